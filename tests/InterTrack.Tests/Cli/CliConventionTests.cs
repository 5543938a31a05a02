using InterTrack.Cli;

namespace InterTrack.Tests.Cli;

/// <summary>How intertrack answers a user finding their way: help, version, and mistyped command lines.</summary>
public sealed class CliConventionTests
{
    private static string[] Lines(string text) => text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Intertrack_alone_prints_its_help_to_stdout_and_exits_0()
    {
        var run = CliRunner.Run();
        Assert.Equal(0, run.Code);
        Assert.Equal("", run.Error);
        Assert.Equal(CliRunner.Run("--help").Output, run.Output);
        Assert.Contains("InterTrack: inter-domain IP traceback.", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lab")]
    [InlineData("pki")]
    [InlineData("topology")]
    [InlineData("rid")]
    public void A_group_alone_prints_its_help_and_exits_0_like_the_root(string group)
    {
        var run = CliRunner.Run(group);
        Assert.Equal(0, run.Code);
        Assert.Equal("", run.Error);
        Assert.Equal(CliRunner.Run(group, "--help").Output, run.Output);
        Assert.Contains("Commands:", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("trace")]
    [InlineData("lab up")]
    [InlineData("pki issue")]
    public void Help_COMMAND_prints_what_COMMAND_help_prints(string command)
    {
        string[] names = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var help = CliRunner.Run(["help", .. names]);
        var option = CliRunner.Run([.. names, "--help"]);
        Assert.Equal(0, help.Code);
        Assert.Equal("", help.Error);
        Assert.Equal(option.Output, help.Output);
        Assert.Contains("Usage:", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_version_and_exits_0()
    {
        var run = CliRunner.Run("--version");
        Assert.Equal(0, run.Code);
        Assert.Matches(@"^\d+\.\d+\.\d+", run.Output);
    }

    [Theory]
    [InlineData("trace --pcaps x",
        "error: unrecognized option '--pcaps' for 'intertrack trace': did you mean '--pcap'?", "Try 'intertrack trace --help'.")]
    [InlineData("trace --pcaps=x --indx 3",
        "error: unrecognized option '--pcaps' for 'intertrack trace': did you mean '--pcap'?|error: unrecognized option '--indx' for 'intertrack " +
            "trace': did you mean '--index'?",
        "Try 'intertrack trace --help'.")]
    [InlineData("tarce", "error: unrecognized command 'tarce' for 'intertrack': did you mean 'trace'?", "Try 'intertrack --help'.")]
    [InlineData("tarce --help", "error: unrecognized command 'tarce' for 'intertrack': did you mean 'trace'?", "Try 'intertrack --help'.")]
    [InlineData("--verison", "error: unrecognized option '--verison' for 'intertrack': did you mean '--version'?", "Try 'intertrack --help'.")]
    [InlineData("lab upp", "error: unrecognized command 'upp' for 'intertrack lab': did you mean 'up'?", "Try 'intertrack lab --help'.")]
    [InlineData("help lab upp", "error: unrecognized command 'upp' for 'intertrack lab': did you mean 'up'?", "Try 'intertrack lab --help'.")]
    [InlineData("lab up --frobnicate", "error: unrecognized option '--frobnicate' for 'intertrack lab up'", "Try 'intertrack lab up --help'.")]
    [InlineData("lab up extra", "error: unexpected argument 'extra' for 'intertrack lab up': it takes options only", "Try 'intertrack lab up --help'.")]
    public void A_mistyped_word_gets_one_line_with_a_suggestion_and_the_help_of_the_deepest_command(string commandLine, string errors, string hint)
    {
        var run = CliRunner.Run(commandLine.Split(' '));
        Assert.Equal(IntertrackCommand.ExitError, run.Code);
        Assert.Equal("", run.Output);
        Assert.Equal([.. errors.Split('|'), hint], Lines(run.Error));
    }

    [Fact]
    public void A_bad_value_inside_a_subcommand_points_to_that_subcommand_help()
    {
        var run = CliRunner.Run("lab", "up", "--ases", "x");
        Assert.Equal(IntertrackCommand.ExitError, run.Code);
        var lines = Lines(run.Error);
        Assert.Equal(2, lines.Length);
        Assert.Equal("error: --ases: 'x' is not a whole number", lines[0]); // not .NET's "expected type 'System.Int32'"
        Assert.Equal("Try 'intertrack lab up --help'.", lines[1]);
    }

    [Theory]
    [InlineData(new[] { "trace", "--dp", "127.0.0.1:1", "--legacy", "--hex", "45", "--index", "abc" }, "error: --index: 'abc' is not a whole number")] // long?
    [InlineData(new[] { "trace", "--dp", "127.0.0.1:1", "--legacy", "--pcap", "no-such.pcap" }, "error: --pcap: File does not exist: 'no-such.pcap'.")]
    [InlineData(new[] { "digest", "--pcap", "no-such.pcap", "--out", "digests" }, "error: --pcap: File does not exist: 'no-such.pcap'.")]
    public void A_value_that_cannot_be_used_is_named_with_its_option_before_any_work(string[] args, string line)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(IntertrackCommand.ExitError, run.Code);
        Assert.Contains(line, Lines(run.Error));
    }

    [Theory]
    [InlineData("tarce", "trace", 1)] // a swap of neighbours is one edit, not two
    [InlineData("--pcaps", "--pcap", 1)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_counts_inserts_deletes_replacements_and_swaps(string a, string b, int expected) =>
        Assert.Equal(expected, ClosestName.Distance(a, b));

    [Theory]
    [InlineData("--ind", "--index")] // a unique prefix
    [InlineData("--pcapfile", "--pcap")] // a known name followed by more
    [InlineData("--PCAP", "--pcap")]
    [InlineData("xy", null)] // two letters are near every two-letter name
    [InlineData("--pc", null)] // a prefix of several
    [InlineData("--zzzzzz", null)]
    public void The_closest_name_is_near_enough_or_none(string typed, string? expected) =>
        Assert.Equal(expected, ClosestName.Of(typed, ["--pcap", "--pcap-dir", "--port", "up", "--index"]));
}
