using InterTrack.Emulation;
using InterTrack.Node.Daemon;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Tests.Kinds;

/// <summary>A kind defined only in the test project (<see cref="EchoKind"/>) is deployed by its registration alone: in a scenario, and in a node.</summary>
public sealed class EchoKindTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-echo-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task A_scenario_deploys_a_kind_by_its_name_and_the_trace_finds_the_attackers_with_it()
    {
        var scenario = new Scenario
        {
            Seed = 5,
            Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 200 } },
            Attackers = [new AttackerSpec { Count = 6 }],
            PacketsPerAttacker = 10,
            Deployment = new DeploymentSpec { Ts = KindMix.Only(EchoKind.KindName), Bts = KindMix.Only(EchoKind.KindName) },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.WithEcho(new EchoKind()));

        Assert.Equal(1.0, report.InterTrack.Recall);
        Assert.Equal(1.0, report.InterTrack.Precision);
        var echo = report.Systems.Single(s => s.Kind == EchoKind.KindName);
        Assert.True(echo.BtsAses > 0 && echo.BtmQueries > 0 && echo.StorageBytes > 0, $"{echo}");
        Assert.All(report.Systems.Where(s => s.Kind != EchoKind.KindName), s => Assert.Equal(0, s.TsAses + s.BtsAses));
        Assert.All(report.InterTrack.OriginAses, a => Assert.Equal(EchoKind.KindName, report.InterTrack.AsSystems[a]));
    }

    [Fact]
    public void A_scenario_file_names_the_kind_and_its_settings_only_where_the_kind_is_registered()
    {
        string Scenario(string deployment)
        {
            File.WriteAllText(PathOf("scenario.json"),
                $"{{\"topology\": {{\"generate\": {{\"ases\": 50}}}}, \"attackers\": [{{\"count\": 2}}], \"deployment\": {deployment}}}");
            return PathOf("scenario.json");
        }
        var withEcho = TestKinds.WithEcho(new EchoKind());
        string mixed = Scenario("{\"ts\": {\"echo\": 0.5, \"digest\": 0.5}, \"bts\": 0.5, \"echoKeep\": 100}");

        var deployment = InterTrack.Emulation.Scenario.Load(mixed, withEcho).Deployment;
        Assert.Equal((0.5, 0.5), (deployment.Ts.Share(EchoKind.KindName), deployment.Ts.Share("digest")));
        Assert.Equal(0.5, deployment.Bts.Share("digest")); // a bare share is still the default kind's
        Assert.Contains("deployment.ts.echo: not a kind of system",
            Assert.Throws<FormatException>(() => InterTrack.Emulation.Scenario.Load(mixed, TestKinds.Installed)).Message, StringComparison.Ordinal);
        Assert.Contains("deployment.echoKeep: not a setting",
            Assert.Throws<FormatException>(() => InterTrack.Emulation.Scenario.Load(Scenario("{\"echoKeep\": 100}"), TestKinds.Installed)).Message,
            StringComparison.Ordinal);
        Assert.Contains("deployment.echoKeep: must be positive",
            Assert.Throws<FormatException>(() => InterTrack.Emulation.Scenario.Load(Scenario("{\"echoKeep\": 0}"), withEcho)).Message,
            StringComparison.Ordinal);
        Assert.Equal("echo", Sweep.Parse("echo=0,1", withEcho).Parameter);
        Assert.Throws<FormatException>(() => Sweep.Parse("echo=0,1", TestKinds.Installed));
    }

    [Fact]
    public async Task A_node_runs_the_kind_its_btm_names_with_its_own_section()
    {
        Assert.Equal(0, CliRunner.Run("pki", "init", "--out", PathOf("pki/ca")).Code);
        Assert.Equal(0, CliRunner.Run("pki", "issue", "--ca", PathOf("pki/ca"), "--as", "65001", "--role", "btm", "--out", PathOf("pki/nodes")).Code);
        File.WriteAllText(PathOf("node.json"), """
            { "as": 65001, "ca": "pki/ca/ca.crt", "certificates": "pki/nodes",
              "btm": { "listen": "127.0.0.1:0", "system": "echo", "links": [ { "link": "eth1:in", "neighborAs": 65002, "direction": "in" } ] },
              "echo": { "links": [ "eth1:in" ] } }
            """);
        var echo = new EchoKind();
        var kinds = TestKinds.WithEcho(echo);

        await using (var host = NodeHost.Start(NodeConfig.Load(PathOf("node.json"), kinds), kinds, NullLoggerFactory.Instance))
        {
            Assert.True(host.Listening.ContainsKey("btm"));
            var system = Assert.Single(echo.Systems);
            Assert.Equal(["eth1:in"], system.Started!.Links);
            Assert.Equal(EchoKind.KindName, Assert.Single(system.Asked).System);
        }

        var refused = Assert.Throws<ConfigException>(() => NodeConfig.Load(PathOf("node.json"), TestKinds.Installed));
        Assert.Matches("echo: unknown field; the fields here are: as, ca, .*, capture, collector, linktest$", refused.Message);
        File.WriteAllText(PathOf("node.json"), File.ReadAllText(PathOf("node.json")).Replace("[ \"eth1:in\" ]", "5", StringComparison.Ordinal));
        Assert.Contains("echo.links: ", Assert.Throws<ConfigException>(() => NodeConfig.Load(PathOf("node.json"), kinds)).Message,
            StringComparison.Ordinal);
        File.WriteAllText(PathOf("node.json"), File.ReadAllText(PathOf("node.json")).Replace("\"echo\": { \"links\": 5 }", "\"itm\": { }",
            StringComparison.Ordinal));
        Assert.Contains("btm.system: 'echo' is not one of: digest, flow, linktest",
            Assert.Throws<ConfigException>(() => NodeConfig.Load(PathOf("node.json"), TestKinds.Installed)).Message, StringComparison.Ordinal);
        Assert.Contains("echo: an echo btm needs the echo section",
            Assert.Throws<ConfigException>(() => NodeConfig.Load(PathOf("node.json"), kinds)).Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
