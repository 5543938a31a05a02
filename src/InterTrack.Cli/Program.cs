using InterTrack.Cli;

return IntertrackCommand.Run(args);
