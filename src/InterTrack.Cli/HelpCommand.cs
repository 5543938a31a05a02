using System.CommandLine;

namespace InterTrack.Cli;

/// <summary><c>intertrack help [COMMAND…]</c>: the same as <c>intertrack [COMMAND…] --help</c>, for those who type it git's way.</summary>
internal static class HelpCommand
{
    public static Command Create()
    {
        var names = new Argument<string[]>("command")
        {
            Description = "The command (and subcommands) to describe, e.g. 'lab up'; none for intertrack itself.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("help", "Print the help of intertrack, or of a command: 'intertrack help lab up' is 'intertrack lab up --help'.") { names };
        command.SetAction(parsed =>
        {
            // Parsed again as NAMES --help, so a mistyped name gets the same error and "did you mean" as anywhere else.
            var asHelp = parsed.RootCommandResult.Command.Parse([.. parsed.GetValue(names) ?? [], "--help"]);
            var configuration = parsed.InvocationConfiguration;
            return UsageErrors.Report(asHelp, configuration.Error) ? IntertrackCommand.ExitError : asHelp.Invoke(configuration);
        });
        return command;
    }
}
