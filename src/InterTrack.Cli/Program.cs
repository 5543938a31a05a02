using InterTrack.Cli;

return IntertrackCommand.Run(args);

// Internal like the rest of the tool: with a second declaration, the shared framework's generator leaves Program as it is
// (alone, it would make Program public for WebApplicationFactory, which nothing here uses).
internal partial class Program;
