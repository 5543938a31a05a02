using System.ComponentModel;
using System.Diagnostics;

namespace InterTrack.LinkTesting;

/// <summary>Runs nft on one router (through the router's configured command) and returns what it printed.</summary>
internal static class NftCommand
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <exception cref="IOException">nft is missing, failed (its first error line), or did not answer in 5 s.</exception>
    public static string Run(LinkTestRouter router, IEnumerable<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo(router.Nft[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (string argument in router.Nft.Skip(1).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new IOException($"cannot run '{router.Nft[0]}' ({e.Message}); nft comes with Debian's nftables package", e);
        }
        using (process)
        {
            if (input is not null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Patience))
            {
                process.Kill(entireProcessTree: true);
                throw new IOException($"'{string.Join(' ', router.Nft)}' did not answer in {Patience.TotalSeconds:0} s");
            }
            if (process.ExitCode != 0)
            {
                string first = error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
                    ?? $"exit code {process.ExitCode}";
                throw new IOException($"'{string.Join(' ', router.Nft)}' failed: {first}");
            }
            return output.Result;
        }
    }
}
