using System.Diagnostics;

namespace InterTrack.Lab;

/// <summary>Runs the lab's tools (ip, sysctl, birdc, …) and the daemons it leaves running.</summary>
internal static class Shell
{
    /// <summary>Runs a command to its end; a non-zero exit is a <see cref="LabException"/> quoting its error output.</summary>
    public static string Run(string file, params IEnumerable<string> args)
    {
        var (code, output, error) = TryRun(file, args);
        return code == 0 ? output
            : throw new LabException($"{file} {string.Join(' ', args)}: {(error.Trim().Length > 0 ? error.Trim() : $"exit {code}")}");
    }

    public static (int Code, string Output, string Error) TryRun(string file, params IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LabException($"{file}: {e.Message} (is it installed?)", e);
        }
        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                throw new LabException($"{file} {string.Join(' ', args)}: did not finish in 60 s");
            }
            return (process.ExitCode, output.Result, error.Result);
        }
    }

    /// <summary>Runs a command inside a network namespace.</summary>
    public static string InNamespace(string ns, string file, params IEnumerable<string> args) => Run("ip", ["netns", "exec", ns, file, .. args]);

    /// <summary>
    /// Starts a command in a namespace, in a session of its own so it outlives this process, with
    /// its output in <paramref name="log"/>. The lab finds it again by its namespace.
    /// </summary>
    public static void StartDetached(string ns, string log, params IEnumerable<string> command)
    {
        Run("setsid", ["-f", "sh", "-c", "exec \"$@\" >>\"$0\" 2>&1 </dev/null", log, "ip", "netns", "exec", ns, .. command]);
    }

    /// <summary>Whether a program is on the PATH.</summary>
    public static bool Has(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));
}
