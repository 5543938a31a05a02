using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace InterTrack.IntegrationTests.Emulation;

/// <summary><c>intertrack emulate --serve</c> as a real process: what it says while it starts, and how it stops on SIGTERM.</summary>
public sealed class ServeStopTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-serve-stop-").FullName;
    private Process? _served;

    [SkippableFact]
    public async Task SIGTERM_stops_a_served_emulation_saying_so_and_it_exits_0_after_telling_each_step_of_its_start()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/bin/kill"), "needs Linux signals (kill)");
        string scenario = Path.Combine(_dir, "scenario.json");
        File.WriteAllText(scenario, """
            { "seed": 3, "topology": { "generate": { "ases": 150 } }, "attackers": [ { "count": 3 } ], "packetsPerAttacker": 10,
              "deployment": { "ts": { "digest": 0.5, "flow": 0.5 }, "bts": { "digest": 0.5, "flow": 0.5 } } }
            """);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "intertrack.dll"), "emulate", "--scenario", scenario,
            "--serve", "--serve-dir", Path.Combine(_dir, "served")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var output = new StringBuilder();
        var serving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _served = Process.Start(start)!;
        _served.OutputDataReceived += (_, e) =>
        {
            lock (output) output.AppendLine(e.Data);
            if (e.Data?.StartsWith("serving", StringComparison.Ordinal) == true) serving.TrySetResult();
        };
        _served.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _served.BeginOutputReadLine();
        _served.BeginErrorReadLine();
        await Task.WhenAny(serving.Task, _served.WaitForExitAsync()).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(serving.Task.IsCompleted, $"the emulation did not start:\n{Text(output)}");

        Process.Start("/bin/kill", ["-TERM", _served.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        Assert.True(_served.WaitForExit(60_000), $"no exit within 60 s of SIGTERM:\n{Text(output)}");
        _served.WaitForExit(); // the output is read to its end
        string log = Text(output);
        Assert.True(_served.ExitCode == 0, log);
        var lines = log.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        // Each step of the start-up, in order, before the endpoints (the TLS network of a large topology takes tens of seconds); then the stop.
        string[] expected = ["· topology:", "· data plane:", "· TLS network: starting", "· D Point", "· operator page", "dpoint:", "serving", "stopping…",
            "stopped"];
        var at = expected.Select(prefix => lines.FindIndex(l => l.StartsWith(prefix, StringComparison.Ordinal))).ToList();
        Assert.True(at.All(i => i >= 0) && at.SequenceEqual(at.Order()), log);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    public void Dispose()
    {
        if (_served is { HasExited: false })
        {
            _served.Kill(entireProcessTree: true);
            _served.WaitForExit(10_000);
        }
        _served?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
