using System.Text.Json;
using InterTrack.Digest;
using InterTrack.Flow;
using InterTrack.Flow.Export;
using InterTrack.Node.Daemon;
using InterTrack.Packets.Capture;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Kinds;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Tests.Managers;

/// <summary>
/// The documented configuration examples (docs/examples/as65001.json, as65002.json, as65003.json:
/// a victim and a transit AS running digests, an origin AS running only flow records), started as
/// written but for their ports (free ones instead: the documented ports are held meanwhile, as
/// another program might), traced through with the real <c>intertrack trace</c> command.
/// </summary>
public sealed class DaemonExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-daemon-").FullName;
    private readonly DocumentedPorts _ports = new();

    /// <summary>AS65001's D Point, where the documented example has it on 127.0.0.1:9005.</summary>
    private string DPoint => $"127.0.0.1:{_ports[9005]}";

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task The_client_traces_through_daemons_started_from_the_documented_examples()
    {
        foreach (var name in new[] { "as65001.json", "as65002.json", "as65003.json" })
        {
            File.Copy(Path.Combine(RepositoryPaths.Root, "docs", "examples", name), PathOf(name));
            _ports.RewriteFile(PathOf(name));
        }
        _ports.HoldDocumented();
        Assert.Equal(0, CliRunner.Run("pki", "init", "--out", PathOf("pki/ca")).Code);
        foreach (var (asNumber, role) in new[] { ("65001", "itm"), ("65001", "btm"), ("65001", "dp"), ("65001", "tc"), ("65002", "itm"), ("65002", "btm"),
            ("65002", "dtm"),
            ("65003", "itm"), ("65003", "btm"), ("65003", "dtm") })
        {
            Assert.Equal(0, CliRunner.Run("pki", "issue", "--ca", PathOf("pki/ca"), "--as", asNumber, "--role", role, "--out", PathOf("pki/nodes")).Code);
        }

        // The attack: packets from AS65003 through AS65002 to AS65001: exported as flows by AS65003's router, digested
        // where they crossed AS65002's border (in from AS65003, out to AS65001) and where they entered AS65001.
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
        Assert.Equal(0, CliRunner.Run("digest", "--pcap", PathOf("attack.pcap"), "--link", "to65003:in", "--out", PathOf("as65002-digests")).Code);

        ExportFlows(now, count: 20);
        await using var origin = NodeHost.Start(NodeConfig.Load(PathOf("as65003.json"), TestKinds.Installed), TestKinds.Installed, NullLoggerFactory.Instance);
        await using var upstream = NodeHost.Start(NodeConfig.Load(PathOf("as65002.json"), TestKinds.Installed), TestKinds.Installed,
            NullLoggerFactory.Instance);
        await using var victim = NodeHost.Start(NodeConfig.Load(PathOf("as65001.json"), TestKinds.Installed), TestKinds.Installed, NullLoggerFactory.Instance);

        using var json = await TraceAllAsync();
        Assert.Equal([65003u], json.RootElement.GetProperty("originAses").EnumerateArray().Select(e => e.GetUInt32()));
        Assert.Equal([65001u, 65002u, 65003u], json.RootElement.GetProperty("asPaths")[0].EnumerateArray().Select(e => e.GetUInt32()));
        var systems = json.RootElement.GetProperty("ases").EnumerateArray().ToDictionary(a => a.GetProperty("as").GetUInt32(),
            a => a.GetProperty("tstype").GetString());
        Assert.Equal(("digest", "flow"), (systems[65002], systems[65003]));
        Assert.StartsWith("AS65001/", json.RootElement.GetProperty("messageId").GetString(), StringComparison.Ordinal);

        var text = await Task.Run(() => CliRunner.Run("trace", "--dp", DPoint, "--pcap", PathOf("attack.pcap"), "--index", "3",
            "--cert", PathOf("pki/nodes/as65001-tc.crt"), "--key", PathOf("pki/nodes/as65001-tc.key"), "--ca", PathOf("pki/ca/ca.crt")));
        Assert.Equal(0, text.Code);
        Assert.Contains("message id: AS65001/", text.Output, StringComparison.Ordinal);
        Assert.Contains("└─ AS65002  Transit  depth 1", text.Output, StringComparison.Ordinal);
        Assert.Contains("AS65003  Source  depth 2", text.Output, StringComparison.Ordinal);

        // Later, from a new connection: the stored result by its message id.
        string id = json.RootElement.GetProperty("messageId").GetString()!;
        var again = await Task.Run(() => CliRunner.Run("trace", "--dp", DPoint, "--result-of", id, "--json",
            "--cert", PathOf("pki/nodes/as65001-tc.crt"), "--key", PathOf("pki/nodes/as65001-tc.key"), "--ca", PathOf("pki/ca/ca.crt")));
        Assert.True(again.Code == 0, again.Output + again.Error);
        Assert.Equal(id, JsonDocument.Parse(again.Output).RootElement.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task With_the_as_graph_and_the_signed_directory_a_trace_skips_over_an_as_that_runs_no_node()
    {
        // AS65002 runs nothing at all here; AS65001 and AS65003 know the AS graph and the federation's signed directory.
        File.WriteAllText(PathOf("as-rel.txt"), "65002|65001|-1\n65002|65003|-1\n");
        File.WriteAllText(PathOf("directory.json"), _ports.Rewrite("""{ "itms": { "65001": "127.0.0.1:9001", "65003": "127.0.0.1:9201" } }"""));
        Assert.Equal(0, CliRunner.Run("pki", "init", "--out", PathOf("pki/ca")).Code);
        var signed = CliRunner.Run("pki", "sign", "--ca", PathOf("pki/ca"), "--file", PathOf("directory.json"));
        Assert.True(signed.Code == 0, signed.Error);
        foreach (var (asNumber, role) in new[] { ("65001", "itm"), ("65001", "btm"), ("65001", "dp"), ("65001", "tc"), ("65003", "itm"), ("65003", "btm"),
            ("65003", "dtm") })
        {
            Assert.Equal(0, CliRunner.Run("pki", "issue", "--ca", PathOf("pki/ca"), "--as", asNumber, "--role", role, "--out", PathOf("pki/nodes")).Code);
        }
        foreach (var name in new[] { "as65001.json", "as65003.json" })
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(_ports.Rewrite(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "examples", name))),
                documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
            node["itm"]!["asGraph"] = "as-rel.txt";
            node["itm"]!["directory"] = "directory.json";
            File.WriteAllText(PathOf(name), node.ToJsonString());
        }
        _ports.HoldDocumented();
        long now = TimeVal.ToNs(DateTimeOffset.UtcNow);
        using (var writer = PcapWriter.Create(PathOf("attack.pcap"), LinkType.Raw, nanoseconds: true))
        {
            for (int i = 0; i < 20; i++)
            {
                writer.Write(TestPackets.Udp4(i), now + i * 1000);
            }
        }
        Assert.Equal(0, CliRunner.Run("digest", "--pcap", PathOf("attack.pcap"), "--link", "to65002:in", "--out", PathOf("as65001-digests")).Code);
        ExportFlows(now, count: 20);
        await using var origin = NodeHost.Start(NodeConfig.Load(PathOf("as65003.json"), TestKinds.Installed), TestKinds.Installed, NullLoggerFactory.Instance);
        await using var victim = NodeHost.Start(NodeConfig.Load(PathOf("as65001.json"), TestKinds.Installed), TestKinds.Installed, NullLoggerFactory.Instance);

        using var json = await TraceAllAsync();
        Assert.Equal([65003u], json.RootElement.GetProperty("originAses").EnumerateArray().Select(e => e.GetUInt32()));
        Assert.Equal([65001u, 65002u, 65003u], json.RootElement.GetProperty("asPaths")[0].EnumerateArray().Select(e => e.GetUInt32()));
        var skipped = json.RootElement.GetProperty("ases").EnumerateArray().Single(a => a.GetProperty("as").GetUInt32() == 65002);
        Assert.StartsWith("runs no InterTrack", skipped.GetProperty("skipped").GetString(), StringComparison.Ordinal);

        // A directory that is not the federation's is refused at start, naming the field.
        File.AppendAllText(PathOf("directory.json"), " ");
        var bad = CliRunner.Run("run", "--config", PathOf("as65003.json"));
        Assert.Equal(2, bad.Code);
        Assert.Contains("itm.directory:", bad.Error, StringComparison.Ordinal);
        Assert.Contains("is not the federation CA's", bad.Error, StringComparison.Ordinal);
    }

    /// <summary>The real <c>intertrack trace</c> of every packet of attack.pcap through AS65001's D Point, as JSON.</summary>
    private async Task<JsonDocument> TraceAllAsync()
    {
        var trace = await Task.Run(() => CliRunner.Run("trace", "--dp", DPoint, "--pcap", PathOf("attack.pcap"), "--all", "--json",
            "--cert", PathOf("pki/nodes/as65001-tc.crt"), "--key", PathOf("pki/nodes/as65001-tc.key"), "--ca", PathOf("pki/ca/ca.crt")));
        Assert.True(trace.Code == 0, trace.Output + trace.Error);
        return JsonDocument.Parse(trace.Output);
    }

    /// <summary>
    /// AS65003's router r1 exports the attack's flows (in from its hosts on interface 1, out to AS65002 on 2) to the
    /// node's collector, as IPFIX over UDP.
    /// </summary>
    /// <summary>AS65003's router's IPFIX about the attack, captured and stored by its collector (<c>intertrack flows --read</c>).</summary>
    private void ExportFlows(long startNs, int count)
    {
        var records = Enumerable.Range(0, count).Select(i =>
        {
            var (key, tos) = FlowKey.OfPacket(TestPackets.Udp4(i))!.Value;
            long ms = (startNs + i * 1000) / 1_000_000;
            return new FlowRecord
            {
                IpVersion = key.IpVersion, Protocol = key.Protocol, Tos = tos, Source = key.Source, Destination = key.Destination,
                SourcePort = key.SourcePort, DestinationPort = key.DestinationPort, IngressInterface = 1, EgressInterface = 2,
                StartMs = ms, EndMs = ms, Packets = 1, Octets = 60, SamplingInterval = 1,
            };
        }).ToList();
        using (var capture = new ExportCaptureWriter(PathOf("exports-65003.pcap"), System.Net.IPAddress.Loopback, System.Net.IPAddress.Loopback))
        {
            foreach (var message in new IpfixWriter(1).Messages(records, records[^1].EndMs))
            {
                capture.Write(message, startNs);
            }
        }
        var stored = CliRunner.Run("flows", "--read", PathOf("exports-65003.pcap"), "--out", PathOf("as65003-flows"));
        Assert.True(stored.Code == 0, stored.Error);
    }

    [Fact]
    public async Task A_node_whose_certificate_its_peers_would_refuse_does_not_start()
    {
        // A node that starts runs until stopped: bound each run, so a regression fails instead of hanging.
        static async Task<(int Code, string Output, string Error)> Run(params string[] args) =>
            await Task.Run(() => CliRunner.Run(args)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, CliRunner.Run("pki", "init", "--out", PathOf("pki/ca")).Code);
        Assert.Equal(0, CliRunner.Run("pki", "init", "--out", PathOf("other/ca")).Code);
        Assert.Equal(0, CliRunner.Run("pki", "issue", "--ca", PathOf("other/ca"), "--as", "65001", "--role", "itm", "--out", PathOf("pki/nodes")).Code);
        File.WriteAllText(PathOf("node.json"), """{ "as": 65001, "ca": "pki/ca/ca.crt", "certificates": "pki/nodes", "itm": { "listen": "127.0.0.1:0" } }""");
        var run = await Run("run", "--config", PathOf("node.json"));
        Assert.Equal(2, run.Code);
        Assert.Contains("certificates: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("as65001-itm.crt would be refused by our peers: certificate rejected", run.Error, StringComparison.Ordinal);

        // Issued by the right CA, then revoked: refused too.
        Assert.Equal(0, CliRunner.Run("pki", "issue", "--ca", PathOf("pki/ca"), "--as", "65001", "--role", "itm", "--out", PathOf("pki/nodes"),
            "--force").Code);
        Assert.Equal(0, CliRunner.Run("pki", "revoke", "--ca", PathOf("pki/ca"), "--cert", PathOf("pki/nodes/as65001-itm.crt")).Code);
        Assert.Contains("would be refused by our peers: certificate revoked", (await Run("run", "--config", PathOf("node.json"))).Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_configuration_names_the_field()
    {
        File.WriteAllText(PathOf("bad.json"), """{ "as": 65001, "ca": "nope.crt", "certificates": ".", "itm": { "listen": "nowhere" } }""");
        var run = CliRunner.Run("run", "--config", PathOf("bad.json"));
        Assert.Equal(2, run.Code);
        Assert.Contains("bad configuration: ca: no such file", run.Error, StringComparison.Ordinal);

        File.WriteAllText(PathOf("ca.crt"), "");
        File.WriteAllText(PathOf("bad.json"), """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "itm": { "listen": "127.0.0.1:0" } }""");
        Assert.Contains("bad configuration: ca: ", CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("pki", "init", "--out", PathOf("badca")).Code);
        File.Copy(PathOf("badca/ca.crt"), PathOf("ca.crt"), overwrite: true);
        File.WriteAllText(PathOf("badca/ca.crl"), "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
        File.WriteAllText(PathOf("bad.json"),
            """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "crl": "badca/ca.crl", "itm": { "listen": "127.0.0.1:0" } }""");
        Assert.Contains("bad configuration: crl: ", CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);
        File.WriteAllText(PathOf("bad.json"), """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "itm": { "listen": "nowhere" } }""");
        Assert.Contains("itm.listen: 'nowhere' is not IP:PORT", CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);
        File.WriteAllText(PathOf("bad.json"),
            """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "dtm": { "digests": ".", "routers": [ { "name": "r1", "ingress": [ { "link": "x",""" +
            """ "from": "as:foo" } ] } ] } }""");
        Assert.Contains("dtm.routers[0].ingress[0].from: 'as:foo'", CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);
        File.WriteAllText(PathOf("bad.json"),
            """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "btm": { "listen": "127.0.0.1:9002", "digests": "no-such-dir" } }""");
        Assert.Contains("btm.digests", CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);

        File.WriteAllText(PathOf("bad.json"),
            """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "btm": { "listen": "127.0.0.1:9002", "system": "linktest" } }""");
        Assert.Contains("bad configuration: linktest: a linktest btm needs the linktest section", CliRunner.Run("run", "--config", PathOf("bad.json")).Error,
            StringComparison.Ordinal);
        File.WriteAllText(PathOf("bad.json"),
            """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "btm": { "listen": "127.0.0.1:0", "system": "linktest" }, "linktest": { "routers": [ {""" +
            """ "name": "r1", "nft": [ "/nonexistent/nft" ] } ] } }""");
        Assert.Contains("linktest.routers[0] (r1): cannot install the counters: cannot run '/nonexistent/nft'",
            CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);

        File.WriteAllText(PathOf("bad.json"),
            """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "dp": { "listen": "127.0.0.1:0" }, "web": { "listen": "0.0.0.0:9080" } }""");
        Assert.Contains("web.listen: 0.0.0.0:9080 is not a loopback address: serve it with \"tls\": true",
            CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);
        File.WriteAllText(PathOf("bad.json"), """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "itm": { "listen": "127.0.0.1:0" }, "web": { } }""");
        Assert.Contains("web: the operator page belongs to the D Point", CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);
        File.WriteAllText(PathOf("bad.json"),
            """{ "as": 65001, "ca": "ca.crt", "certificates": ".", "itm": { "listen": "127.0.0.1:0" }, "telemetry": { "otlp": "collector:4317" } }""");
        Assert.Contains("telemetry.otlp: 'collector:4317' is not an http:// or https:// URL", CliRunner.Run("run", "--config", PathOf("bad.json")).Error,
            StringComparison.Ordinal);

        File.WriteAllText(PathOf("bad.json"), """{ "as": 65001, "itm": { "listn": "1.2.3.4:5" } }""");
        Assert.Contains("listn", CliRunner.Run("run", "--config", PathOf("bad.json")).Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _ports.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
