using System.CommandLine;
using System.CommandLine.Parsing;

namespace InterTrack.Cli;

/// <summary>The root command. Exit codes: 0 success, 1 a negative answer (where a command has one), 2 error, 3 no answer either way (query: nothing kept covers the time).</summary>
internal static class IntertrackCommand
{
    public const int ExitError = 2;

    public static RootCommand Create()
    {
        var root = new RootCommand(
            "InterTrack: inter-domain IP traceback. Interconnects the traceback systems of many networks " +
            "so a victim can trace spoofed packets back across ASes.");
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
        return root;
    }

    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parsed = Create().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                error.WriteLine($"error: {OneLine(problem)}");
            }
            error.WriteLine("Try 'intertrack --help'.");
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
    }

    /// <summary>
    /// A parse error as one line naming its option: System.CommandLine lists the allowed values of
    /// an option on lines of their own and does not say which option a bad value was given to.
    /// </summary>
    private static string OneLine(ParseError problem)
    {
        string message = System.Text.RegularExpressions.Regex.Replace(problem.Message.Trim(), @"\s*\n\s*", " ");
        var option = problem.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        return option is null || message.Contains(option.Name, StringComparison.Ordinal) ? message : $"{option.Name}: {message}";
    }
}

/// <summary>A failure to report to the user as one line, without a stack trace.</summary>
internal sealed class CommandException : Exception
{
    public CommandException(string message) : base(message) { }

    public CommandException(string message, Exception inner) : base(message, inner) { }

    public CommandException() { }
}
