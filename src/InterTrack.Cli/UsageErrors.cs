using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace InterTrack.Cli;

/// <summary>
/// A command line that does not parse, told as one <c>error:</c> line per problem and then
/// <c>Try 'intertrack COMMAND --help'.</c> for the deepest command the line reached.
/// </summary>
internal static partial class UsageErrors
{
    /// <summary>Writes the problems of <paramref name="parsed"/>, if any, to <paramref name="error"/>; true when there were some.</summary>
    public static bool Report(ParseResult parsed, TextWriter error)
    {
        var lines = Lines(parsed);
        if (lines.Count == 0)
        {
            return false;
        }
        foreach (string line in lines)
        {
            error.WriteLine($"error: {line}");
        }
        error.WriteLine($"Try '{PathOf(parsed.CommandResult)} --help'.");
        return true;
    }

    /// <summary>
    /// A word the parser did not know is reported even beside --help (which would hide it), and
    /// alone: the rest (a required option "missing", a value taken for an argument) follows from
    /// the misspelling. After an unknown command only that one; after an unknown option also the
    /// other unknown options, not the words after them (most likely their values).
    /// </summary>
    private static List<string> Lines(ParseResult parsed)
    {
        var unknown = parsed.UnmatchedTokens;
        if (unknown.Count == 0)
        {
            return parsed.Errors.Select(OneLine).ToList();
        }
        var command = parsed.CommandResult;
        if (!IsOption(unknown[0]))
        {
            return [UnknownWord(command, unknown[0])];
        }
        return unknown.Where(IsOption).Select(token => UnknownOption(command, token)).ToList();
    }

    private static bool IsOption(string token) => token.StartsWith('-') && token.Length > 1;

    private static string UnknownOption(CommandResult command, string token)
    {
        // --name=value: the name is what is unknown.
        string name = token.Split('=', 2)[0];
        var known = OptionsOf(command).Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
        return WithSuggestion($"unrecognized option '{name}' for '{PathOf(command)}'", ClosestName.Of(name, known));
    }

    private static string UnknownWord(CommandResult command, string token)
    {
        var subcommands = command.Command.Subcommands.Where(c => !c.Hidden).ToList();
        if (subcommands.Count == 0)
        {
            string why = command.Command.Arguments.Count == 0 ? ": it takes options only" : "";
            return $"unexpected argument '{token}' for '{PathOf(command)}'{why}";
        }
        var known = subcommands.SelectMany(c => c.Aliases.Prepend(c.Name));
        return WithSuggestion($"unrecognized command '{token}' for '{PathOf(command)}'", ClosestName.Of(token, known));
    }

    private static string WithSuggestion(string problem, string? suggestion) =>
        suggestion is null ? problem : $"{problem}: did you mean '{suggestion}'?";

    /// <summary>The options a command accepts: its own and the recursive ones of the commands above it (--help).</summary>
    private static IEnumerable<Option> OptionsOf(CommandResult command)
    {
        var own = command.Command.Options;
        var inherited = Ancestors(command).Skip(1).SelectMany(c => c.Command.Options.Where(o => o.Recursive));
        return own.Concat(inherited);
    }

    private static IEnumerable<CommandResult> Ancestors(CommandResult command)
    {
        for (SymbolResult? result = command; result is CommandResult c; result = c.Parent)
        {
            yield return c;
        }
    }

    /// <summary>The command as typed: <c>intertrack lab up</c> (the root by the tool's name, not the host process's).</summary>
    public static string PathOf(CommandResult command) =>
        string.Join(' ', Ancestors(command).Reverse().Select(c => c.Parent is null ? IntertrackCommand.Name : c.Command.Name));

    /// <summary>
    /// A parse error as one line naming its option: System.CommandLine lists the allowed values of
    /// an option on lines of their own and does not say which option a bad value was given to.
    /// </summary>
    private static string OneLine(ParseError problem)
    {
        string message = LineBreaks().Replace(problem.Message.Trim(), " ");
        if (CannotParse().Match(message) is { Success: true } bad)
        {
            // "as expected type 'System.Int32'" speaks .NET; say what to type instead.
            return $"{bad.Groups["option"].Value}: '{bad.Groups["value"].Value}' is not {Expected(bad.Groups["type"].Value)}";
        }
        var option = problem.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        return option is null || message.Contains(option.Name, StringComparison.Ordinal) ? message : $"{option.Name}: {message}";
    }

    private static string Expected(string type) => Unwrapped(type) switch
    {
        "System.Byte" or "System.Int32" or "System.Int64" or "System.UInt16" or "System.UInt32" or "System.UInt64" => "a whole number",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.TimeSpan" => "a duration (hh:mm:ss)",
        var other => $"a valid {other[(other.LastIndexOf('.') + 1)..]}",
    };

    /// <summary>System.Nullable`1[System.Int32] (an optional number) is asked for as System.Int32.</summary>
    private static string Unwrapped(string type) => NullableOf().Match(type) is { Success: true } m ? m.Groups[1].Value : type;

    [GeneratedRegex(@"^System\.Nullable`1\[(.+)\]$")]
    private static partial Regex NullableOf();

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$")]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"\s*\n\s*")]
    private static partial Regex LineBreaks();
}
