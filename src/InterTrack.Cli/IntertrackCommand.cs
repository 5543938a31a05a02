using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace InterTrack.Cli;

/// <summary>
/// The root command. Exit codes: 0 success, 1 a negative answer (where a command has one), 2 error, 3 no answer either
/// way (query: nothing kept covers the time).
/// </summary>
internal static class IntertrackCommand
{
    public const int ExitError = 2;

    /// <summary>The shell's code for a program stopped by SIGINT (128 + 2).</summary>
    public const int ExitInterrupted = 130;

    /// <summary>The tool's name in messages and hints, whatever process hosts it (tests run it in-process).</summary>
    public const string Name = "intertrack";

    public static RootCommand Create()
    {
        var root = new RootCommand(
            "InterTrack: inter-domain IP traceback. Interconnects the traceback systems of many networks " +
            "so a victim can trace spoofed packets back across ASes. 'intertrack' alone prints this help (exit 0); " +
            "'intertrack help COMMAND' or 'intertrack COMMAND --help' describes a command.");
        root.Subcommands.Add(PkiCommand.Create());
        root.Subcommands.Add(SchemaCommand.Create());
        root.Subcommands.Add(DigestCommand.Create());
        root.Subcommands.Add(QueryCommand.Create());
        root.Subcommands.Add(CaptureCommand.Create());
        root.Subcommands.Add(FlowsCommand.Create());
        root.Subcommands.Add(TraceCommand.Create());
        root.Subcommands.Add(RidCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(TopologyCommand.Create());
        root.Subcommands.Add(EmulateCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(LabCommand.Create());
        root.Subcommands.Add(HelpCommand.Create());
        ShowHelpWithoutSubcommand(root);
        return root;
    }

    /// <summary>
    /// intertrack alone, or a group alone (intertrack lab, pki, rid, topology), prints its help to
    /// stdout and exits 0, like --help: asking what a command offers is not a mistake (git exits 1
    /// there; we chose 0 so 'intertrack lab' can be used in scripts and docs like 'intertrack lab --help').
    /// </summary>
    private static void ShowHelpWithoutSubcommand(RootCommand root)
    {
        var help = (SynchronousCommandLineAction)root.Options.OfType<HelpOption>().Single().Action!;
        var groups = new Stack<Command>([root]);
        while (groups.TryPop(out var command))
        {
            if (command.Subcommands.Count > 0 && command.Action is null)
            {
                command.SetAction(help.Invoke);
            }
            foreach (var sub in command.Subcommands)
            {
                groups.Push(sub);
            }
        }
    }

    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parsed = Create().Parse(args);
        if (UsageErrors.Report(parsed, error))
        {
            return ExitError;
        }
        try
        {
            // Long-running commands get time to seal and save their pages after Ctrl+C or SIGTERM.
            var configuration = new InvocationConfiguration
            {
                Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
            };
            return parsed.Invoke(configuration);
        }
        catch (CommandException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file or directory the user named that cannot be read or written: one line, never a stack trace.
            error.WriteLine($"error: {e.Message}");
            return ExitError;
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM in a command that does not stop on its own (a sweep): what it finished is written, the rest is not.
            error.WriteLine("stopped: interrupted before it finished");
            return ExitInterrupted;
        }
    }
}

/// <summary>A failure to report to the user as one line, without a stack trace.</summary>
internal sealed class CommandException : Exception
{
    public CommandException(string message) : base(message) { }

    public CommandException(string message, Exception inner) : base(message, inner) { }

    public CommandException() { }
}
