using InterTrack.Cli;

namespace InterTrack.Testing;

/// <summary>Runs the intertrack command in-process, as a user would from the shell.</summary>
internal static class CliRunner
{
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = IntertrackCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
