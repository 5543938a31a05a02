using InterTrack.Protocol.Model;
using System.Text.Json;
using InterTrack.Capture;
using InterTrack.Daemon;
using InterTrack.Digest;
using InterTrack.Tests.Capture;
using InterTrack.Tests.Cli;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Tests.Managers;

/// <summary>
/// The documented configuration examples (docs/examples/as65001.json and as65002.json), started
/// as written, traced through with the real <c>intertrack trace</c> command.
/// </summary>
public sealed class DaemonExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-daemon-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task The_client_traces_through_daemons_started_from_the_documented_examples()
    {
        foreach (var name in new[] { "as65001.json", "as65002.json" })
        {
            File.Copy(Path.Combine(RepositoryPaths.Root, "docs", "examples", name), PathOf(name));
        }
        Assert.Equal(0, CliRunner.Run("pki", "init", "--out", PathOf("pki/ca")).Code);
        foreach (var (asNumber, role) in new[] { ("65001", "itm"), ("65001", "btm"), ("65001", "dp"), ("65001", "tc"), ("65002", "itm"), ("65002", "btm"), ("65002", "dtm") })
        {
            Assert.Equal(0, CliRunner.Run("pki", "issue", "--ca", PathOf("pki/ca"), "--as", asNumber, "--role", role, "--out", PathOf("pki/nodes")).Code);
        }

        // The attack: packets from AS65002 to AS65001, digested where they left AS65002 and where they entered AS65001.
        long now = TimeVal.ToNs(DateTimeOffset.UtcNow);
        using (var writer = PcapWriter.Create(PathOf("attack.pcap"), LinkType.Raw, nanoseconds: true))
        {
            for (int i = 0; i < 20; i++)
            {
                writer.Write(TestPackets.Udp4(i), now + i * 1000);
            }
        }
        Assert.Equal(0, CliRunner.Run("digest", "--pcap", PathOf("attack.pcap"), "--link", "to65002:in", "--out", PathOf("as65001-digests")).Code);
        Assert.Equal(0, CliRunner.Run("digest", "--pcap", PathOf("attack.pcap"), "--link", "to65001:out", "--out", PathOf("as65002-digests")).Code);
        Assert.Equal(0, CliRunner.Run("digest", "--pcap", PathOf("attack.pcap"), "--link", "r1<-hosts", "--out", PathOf("as65002-digests")).Code);

        await using var upstream = NodeHost.Start(NodeConfig.Load(PathOf("as65002.json")), InterTrack.Cli.TracebackSystems.ForNode(), NullLoggerFactory.Instance);
        await using var victim = NodeHost.Start(NodeConfig.Load(PathOf("as65001.json")), InterTrack.Cli.TracebackSystems.ForNode(), NullLoggerFactory.Instance);

        var trace = await Task.Run(() => CliRunner.Run("trace", "--dp", "127.0.0.1:9005", "--pcap", PathOf("attack.pcap"), "--all", "--json",
            "--cert", PathOf("pki/nodes/as65001-tc.crt"), "--key", PathOf("pki/nodes/as65001-tc.key"), "--ca", PathOf("pki/ca/ca.crt")));
        Assert.True(trace.Code == 0, trace.Output + trace.Error);
        using var json = JsonDocument.Parse(trace.Output);
        Assert.Equal([65002u], json.RootElement.GetProperty("originAses").EnumerateArray().Select(e => e.GetUInt32()));
        Assert.Equal([65001u, 65002u], json.RootElement.GetProperty("asPaths")[0].EnumerateArray().Select(e => e.GetUInt32()));
        Assert.StartsWith("AS65001/", json.RootElement.GetProperty("messageId").GetString(), StringComparison.Ordinal);

        var text = await Task.Run(() => CliRunner.Run("trace", "--dp", "127.0.0.1:9005", "--pcap", PathOf("attack.pcap"), "--index", "3",
            "--cert", PathOf("pki/nodes/as65001-tc.crt"), "--key", PathOf("pki/nodes/as65001-tc.key"), "--ca", PathOf("pki/ca/ca.crt")));
        Assert.Equal(0, text.Code);
        Assert.Contains("message id: AS65001/", text.Output, StringComparison.Ordinal);
        Assert.Contains("└─ AS65002  Source  depth 1", text.Output, StringComparison.Ordinal);
        Assert.Contains("routers: r1; first hop of the source: r1 via r1<-hosts", text.Output, StringComparison.Ordinal); // AS65002 exports "all" to AS65001

        // Later, from a new connection: the stored result by its message id.
        string id = json.RootElement.GetProperty("messageId").GetString()!;
        var again = await Task.Run(() => CliRunner.Run("trace", "--dp", "127.0.0.1:9005", "--result-of", id, "--json",
            "--cert", PathOf("pki/nodes/as65001-tc.crt"), "--key", PathOf("pki/nodes/as65001-tc.key"), "--ca", PathOf("pki/ca/ca.crt")));
        Assert.True(again.Code == 0, again.Output + again.Error);
        Assert.Equal(id, JsonDocument.Parse(again.Output).RootElement.GetProperty("messageId").GetString());
    }

    [Fact]
    public void A_bad_configuration_names_the_field()
    {
        File.WriteAllText(PathOf("bad.json"), """{ "as": 65001, "ca": "nope.crt", "certificates": ".", "itm": { "listen": "nowhere" } }""");
        var run = CliRunner.Run("run", "--config", PathOf("bad.json"));
        Assert.Equal(2, run.Code);
        Assert.Contains("bad configuration: ca: no such file", run.Error, StringComparison.Ordinal);

        File.WriteAllText(PathOf("ca.crt"), "");
        File.WriteAllText(PathOf("bad.json"), """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "itm": { "listen": "nowhere" } }""");
        Assert.Contains("itm.listen: 'nowhere' is not HOST:PORT", CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);

        File.WriteAllText(PathOf("bad.json"), """{ "as": 65001, "itm": { "listn": "1.2.3.4:5" } }""");
        Assert.Contains("listn", CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
