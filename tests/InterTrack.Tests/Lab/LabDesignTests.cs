using System.Text.Json;
using InterTrack.Lab;
using InterTrack.Node.Daemon;
using InterTrack.Node.Kinds;
using InterTrack.Node.Topology;
using InterTrack.Testing;
using InterTrack.Tests.Kinds;

namespace InterTrack.Tests.Lab;

/// <summary>
/// What <c>lab up</c> decides before anything runs (no root): which kind of traceback system each
/// AS runs — named, drawn by share, or the default — and the node configuration each kind adds,
/// for the kinds of src/ and for one that lives only in the test project.
/// </summary>
public sealed class LabDesignTests : IDisposable
{
    private const string Topology = LabTopologies.FiveAses;

    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-labdesign-").FullName;

    private static AsGraph Graph() => CaidaFormat.Read(new StringReader(Topology));

    private LabOptions Options(Dictionary<string, IReadOnlyList<uint>>? systems = null, Dictionary<string, double>? shares = null) => new()
    {
        Directory = _dir,
        Victim = 65001,
        Systems = systems ?? [],
        Shares = shares ?? [],
    };

    [Fact]
    public void Ases_run_the_kind_named_for_them_and_the_rest_the_first_kind()
    {
        var plan = LabDesign.Plan(Graph(), Options(new() { ["flow"] = [65003], ["linktest"] = [65004], ["none"] = [65005] }), TestKinds.Installed);

        Assert.Equal(["digest", "digest", "flow", "linktest", "none"], plan.Ases.OrderBy(a => a.Number).Select(a => a.System));
        Assert.Equal(2, plan[65002].Routers.Count); // the best connected transit running the default kind has two routers
    }

    [Fact]
    public void Shares_draw_ases_for_a_kind_and_a_kind_named_draws_none()
    {
        var big = LabTopology.Generate(40, seed: 3);
        var drawn = LabDesign.Plan(big, new LabOptions { Directory = _dir, Shares = new Dictionary<string, double> { ["flow"] = 0.5 } }, TestKinds.Installed);
        int candidates = big.Count - 2; // not the victim, not the two-router transit
        Assert.Equal((int)Math.Round(0.5 * candidates, MidpointRounding.AwayFromZero), drawn.Ases.Count(a => a.System == "flow"));
        var byDefault = LabDesign.Plan(big, new LabOptions { Directory = _dir }, TestKinds.Installed);
        Assert.Equal((int)Math.Round(0.3 * candidates, MidpointRounding.AwayFromZero), byDefault.Ases.Count(a => a.System == "flow"));

        var named = LabDesign.Plan(big, new LabOptions
        {
            Directory = _dir,
            Systems = new Dictionary<string, IReadOnlyList<uint>> { ["flow"] = [big.Ases.Min()] },
        }, TestKinds.Installed); // not the default 0.3 as well
        Assert.Equal([big.Ases.Min()], named.Ases.Where(a => a.System == "flow").Select(a => a.Number));
    }

    [Fact]
    public void Every_size_and_seed_of_generated_topology_is_a_valid_lab()
    {
        for (int ases = 3; ases <= LabOptions.MaxAses; ases += 7)
        {
            for (int seed = 1; seed <= 10; seed++)
            {
                var graph = LabTopology.Generate(ases, seed); // a transit drawn as both provider and peer threw here
                Assert.Equal(ases, graph.Count);
                var plan = LabDesign.Plan(graph, new LabOptions { Directory = _dir, Seed = seed }, TestKinds.Installed);
                Assert.All(plan.Ases, a => Assert.NotEmpty(graph.Neighbors(a.Number)));
            }
        }
    }

    [Theory]
    [InlineData("{\"echo\": [65003]}", null, "--echo: not a kind of traceback system the lab deploys (digest, flow, linktest, none)")]
    [InlineData("{\"flow\": [65009]}", null, "--flow: AS65009 is not in the topology")]
    [InlineData("{\"flow\": [65003], \"linktest\": [65003]}", null, "--linktest: AS65003 is also given --flow; an AS runs one system")]
    [InlineData("{\"none\": [65001]}", null, "--none: AS65001 is the victim's AS, which runs the D Point and a traceback system")]
    [InlineData(null, "{\"digest\": 0.5}", "--share: digest: not a kind the lab draws (flow, linktest; the ASes not drawn run digest)")]
    [InlineData(null, "{\"flow\": 1.5}", "--share: flow=1.5: must be from 0 to 1")]
    [InlineData(null, "{\"flow\": 0.7, \"linktest\": 0.6}", "--share: the shares add up to 1.3, more than 1")]
    [InlineData("{\"flow\": [65003]}", "{\"flow\": 0.5}", "--share: flow: its ASes are named with --flow; give one or the other")]
    public void A_design_that_cannot_be_is_refused_naming_the_option(string? systems, string? shares, string error)
    {
        var options = Options(systems is null ? null : JsonSerializer.Deserialize<Dictionary<string, IReadOnlyList<uint>>>(systems),
            shares is null ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(shares));

        Assert.Equal(error, Assert.Throws<LabException>(() => LabDesign.Plan(Graph(), options, TestKinds.Installed)).Message);
    }

    [Fact]
    public void A_kind_of_the_test_project_is_deployed_and_its_node_configuration_loads()
    {
        var kinds = TestKinds.WithEcho(new EchoKind());
        var plan = LabDesign.Plan(Graph(), Options(new() { [EchoKind.KindName] = [65003] }, new() { ["flow"] = 0 }), kinds);
        Assert.Equal(EchoKind.KindName, plan[65003].System);
        new LabDaemons(plan, ["intertrack"], kinds).IssuePki();
        var labAs = plan[65003];
        var site = LabSites.Of(plan, labAs, ["intertrack"], r => r.Interfaces.Select((f, i) => (f.Name, i + 2)).ToDictionary());
        string path = Path.Combine(plan.AsDirectory(labAs.Number), LabConfigs.NodeFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, LabConfigs.Node(plan, labAs, kinds.Named(EchoKind.KindName)!.Lab, site));

        var node = NodeConfig.Load(path, kinds);

        Assert.Equal(EchoKind.KindName, node.Btm!.System);
        Assert.Contains("r1/r1-as65004:in", node.Section<EchoKind.EchoConfig>(EchoKind.KindName)!.Links);
        Assert.Contains(node.Btm.Links, l => l.Link == "r1/r1-as65004:in" && l.NeighborAs == 65004);
        var refused = Assert.Throws<ConfigException>(() => NodeConfig.Load(path, TestKinds.Installed));
        Assert.Contains("echo", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_kind_names_its_links_and_adds_its_sections()
    {
        var kinds = TestKinds.Installed;
        var plan = LabDesign.Plan(Graph(), Options(new() { ["flow"] = [65003], ["linktest"] = [65004], ["none"] = [65005] }), kinds);
        new LabDaemons(plan, ["intertrack"], kinds).IssuePki();

        var processes = new Dictionary<uint, IReadOnlyList<LabProcess>>();
        JsonElement Node(uint a)
        {
            var site = LabSites.Of(plan, plan[a], ["intertrack"], r => r.Interfaces.Select((f, i) => (f.Name, i + 2)).ToDictionary());
            string path = Path.Combine(plan.AsDirectory(a), LabConfigs.NodeFile);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var kind = kinds.Named(plan[a].System)?.Lab;
            File.WriteAllText(path, LabConfigs.Node(plan, plan[a], kind, site));
            processes[a] = kind?.Processes(site) ?? [];
            NodeConfig.Load(path, kinds); // a node would run it
            return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
        }

        var flow = Node(65003);
        Assert.Equal("flows", flow.GetProperty("btm").GetProperty("flows").GetString());
        Assert.Equal($"{plan[65003].ItmAddress}:4739", flow.GetProperty("collector").GetProperty("listen").GetString());
        Assert.Matches(@"^10\.\d+\.0\.1/\d+:in$", flow.GetProperty("btm").GetProperty("links")[0].GetProperty("link").GetString());
        var linkTest = Node(65004);
        Assert.Equal("ip netns exec " + plan[65004].Routers[0].Namespace + " nft",
            string.Join(' ', linkTest.GetProperty("linktest").GetProperty("routers")[0].GetProperty("nft").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal("digests", Node(65002).GetProperty("dtm").GetProperty("digests").GetString());
        Assert.False(Node(65005).TryGetProperty("btm", out _)); // runs nothing: its ITM answers as the stub

        // pmacctd per interface and direction, once the node's collector listens; one capture per digest router, with the node.
        Assert.Equal(plan[65003].Routers.Sum(r => r.Interfaces.Count) * 2, processes[65003].Count(p => p.Command[0] == "pmacctd" && p.AfterNode));
        Assert.True(processes[65003].All(p => File.Exists(p.Command[^1])));
        Assert.Equal(plan[65002].Routers.Select(r => r.Namespace), processes[65002].Where(p => p.Command.Contains("capture") && !p.AfterNode)
            .Select(p => p.Namespace));
        Assert.Empty(processes[65004]);
        Assert.Empty(processes[65005]);
    }

    [Theory]
    [InlineData("flow=0.1,flow=0.2", "error: --share: flow is given twice")]
    [InlineData(",", "error: --share: no KIND=SHARE given (such as flow=0.3)")]
    [InlineData("flow", "error: --share: 'flow' is not KIND=SHARE (such as flow=0.3)")]
    public void A_share_that_cannot_be_read_is_named_before_anything_is_built(string share, string error)
    {
        var (code, _, stderr) = CliRunner.Run("lab", "up", "--dir", Path.Combine(_dir, "lab"), "--share", share);

        Assert.Equal(2, code);
        Assert.Equal(error, stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(_dir, "lab")));
    }

    [Fact]
    public void A_directory_without_a_lab_is_not_taken_for_the_default_lab()
    {
        Assert.Equal("--dir: " + _dir + " holds no lab (lab.json); name the lab to act on with --lab ID",
            Assert.Throws<LabException>(() => LabPlan.IdOf(_dir, givenId: null, directoryGiven: true)).Message);
        Assert.Equal("other", LabPlan.IdOf(_dir, "other", directoryGiven: true)); // its files gone, the lab is still found by its id
        Assert.Equal(LabOptions.DefaultId, LabPlan.IdOf(_dir, givenId: null, directoryGiven: false));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
