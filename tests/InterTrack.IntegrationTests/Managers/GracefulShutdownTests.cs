using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using InterTrack.Node.Client;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;

namespace InterTrack.IntegrationTests.Managers;

/// <summary>
/// <c>intertrack run</c> as systemd runs it: a real process with NOTIFY_SOCKET set, stopped by
/// SIGTERM while a client's trace is in flight (the AS's BTM never answers).
/// </summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-stop-").FullName;
    private Process? _node;

    private string PathOf(string name) => Path.Combine(_dir, name);

    [SkippableFact]
    public async Task SIGTERM_fails_the_trace_in_flight_cleanly_tells_its_client_and_systemd_and_exits_0()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/bin/kill"), "needs Linux signals (kill)");
        Assert.Equal(0, CliRunner.Run("pki", "init", "--out", PathOf("pki/ca")).Code);
        foreach (var role in new[] { "itm", "dp", "tc", "btm" })
        {
            Assert.Equal(0, CliRunner.Run("pki", "issue", "--ca", PathOf("pki/ca"), "--as", "65001", "--role", role, "--out", PathOf("pki/nodes")).Code);
        }
        // The AS's BTM: takes the ITM's connection and never answers, so the trace stays in flight.
        using var btmCredentials = TlsCredentials.Load(PathOf("pki/nodes/as65001-btm.crt"), PathOf("pki/nodes/as65001-btm.key"), PathOf("pki/ca/ca.crt"));
        await using var silentBtm = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), btmCredentials,
            PeerAuthenticator.Only([new NodeIdentity(65001, NodeRole.Itm)]), (_, _, _) => ValueTask.CompletedTask);
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        string notifySocket = PathOf("notify.sock");
        systemd.Bind(new UnixDomainSocketEndPoint(notifySocket));
        var output = new StringBuilder();
        int itmPort = 0, dpPort = 0, webPort = 0, metricsPort = 0;
        // The ports are picked free, then bound by the node: another test's connection may take one in
        // between (an outgoing connection draws from the same range). Then the node refuses to start, saying so; pick again.
        for (int attempt = 1; ; attempt++)
        {
            (itmPort, dpPort, webPort, metricsPort) = (FreePort.Pick(), FreePort.Pick(), FreePort.Pick(), FreePort.Pick());
            File.WriteAllText(PathOf("node.json"), $$"""
                { "as": 65001, "ca": "pki/ca/ca.crt", "certificates": "pki/nodes", "shutdownGraceSeconds": 1,
                  "itm": { "listen": "127.0.0.1:{{itmPort}}", "btm": "127.0.0.1:{{silentBtm.LocalEndPoint.Port}}", "traceTimeoutSeconds": 60 },
                  "dp": { "listen": "127.0.0.1:{{dpPort}}", "itm": "127.0.0.1:{{itmPort}}", "database": "dpoint.db" },
                  "web": { "listen": "127.0.0.1:{{webPort}}" }, "telemetry": { "metrics": "127.0.0.1:{{metricsPort}}" } }
                """);
            var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "intertrack.dll"), "run", "--config", PathOf("node.json")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["NOTIFY_SOCKET"] = notifySocket;
            lock (output) output.Clear();
            _node?.Dispose();
            _node = Process.Start(start)!;
            _node.OutputDataReceived += (_, e) =>
            {
                lock (output) output.AppendLine(e.Data);
                if (e.Data?.Contains("running; Ctrl+C", StringComparison.Ordinal) == true) running.TrySetResult();
            };
            _node.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            _node.BeginOutputReadLine();
            _node.BeginErrorReadLine();
            await Task.WhenAny(running.Task, _node.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(60));
            if (running.Task.IsCompleted)
            {
                break;
            }
            Assert.True(attempt < 3 && Output(output).Contains("cannot listen", StringComparison.Ordinal), $"the node did not start:\n{Output(output)}");
        }
        Assert.Equal("READY=1", await ReceiveAsync(systemd));

        using var client = TlsCredentials.Load(PathOf("pki/nodes/as65001-tc.crt"), PathOf("pki/nodes/as65001-tc.key"), PathOf("pki/ca/ca.crt"));
        await using var connection = await TracebackClient.ConnectAsync("127.0.0.1", dpPort, client, CancellationToken.None);
        var issued = new TaskCompletionSource<MessageId>(TaskCreationOptions.RunContinuationsAsynchronously);
        var trace = TracebackClient.TraceAsync(connection, client.Identity.ToNodeId(), new NodeIdentity(65001, NodeRole.DPoint).ToNodeId(),
            [(TestPackets.Udp4(1), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000)], id => issued.TrySetResult(id), TimeSpan.FromSeconds(60),
            CancellationToken.None);
        var id = await issued.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the trace is in flight: the ITM waits for its BTM

        // The operator sees it running, on the page and in the metrics the node prints the addresses of.
        lock (output)
        {
            Assert.Contains($"web: http://127.0.0.1:{webPort}/", output.ToString(), StringComparison.Ordinal);
            Assert.Contains($"metrics: http://127.0.0.1:{metricsPort}/metrics", output.ToString(), StringComparison.Ordinal);
        }
        using var http = new HttpClient();
        string page = await http.GetStringAsync($"http://127.0.0.1:{webPort}/");
        Assert.Contains("<h2>In flight (1)</h2>", page, StringComparison.Ordinal);
        Assert.Contains(id.ToString(), page, StringComparison.Ordinal);
        Assert.Contains("AS65001/btm", page, StringComparison.Ordinal); // the neighbours' table: our BTM's heartbeat
        Assert.Contains("s asking our border system", page, StringComparison.Ordinal); // the trace's progress
        string metrics = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Matches("intertrack_dp_traces_in_flight\\{[^}]*as=\"65001\"[^}]*\\} 1", metrics);

        Process.Start("/bin/kill", ["-TERM", _node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

        var refused = await Assert.ThrowsAsync<IOException>(() => trace.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("the D Point is stopping", refused.Message, StringComparison.Ordinal);
        Assert.Equal("STOPPING=1", await ReceiveAsync(systemd));
        Assert.True(_node.WaitForExit(30_000), "the node did not exit within 30 s of SIGTERM");
        _node.WaitForExit(); // the output is read to its end
        Assert.True(_node.ExitCode == 0, output.ToString());
        string log = output.ToString();
        Assert.Contains("stopping", log, StringComparison.Ordinal);
        Assert.Contains("AS65001 stopped", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);

        // The trace is stored as failed with the reason, not lost and not left pending.
        using var store = new InterTrack.Node.Managers.DPointStore(PathOf("dpoint.db"));
        var record = store.Find(id);
        Assert.NotNull(record);
        Assert.Equal(InterTrack.Node.Managers.TraceRecordState.Failed, record.State);
        Assert.Equal("the D Point stopped before the trace finished", record.Failure);
    }

    private static string Output(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[512];
        int n = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30));
        return Encoding.ASCII.GetString(buffer, 0, n).Trim();
    }


    public void Dispose()
    {
        if (_node is { HasExited: false })
        {
            _node.Kill(entireProcessTree: true);
            _node.WaitForExit(10_000);
        }
        _node?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
