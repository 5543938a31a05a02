using InterTrack.Emulation;
using InterTrack.Node.Topology;
using InterTrack.Tests.Kinds;

namespace InterTrack.Tests.Emulation;

/// <summary>Partial deployment: tracing past ASes that run nothing, and naming the candidates behind the frontier.</summary>
public sealed class SkipOverTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("intertrack-skipover-").FullName;

    /// <summary>
    /// 1 is the victim; 2, its provider, runs nothing; 3 (2's provider) carries attacker 4's flow;
    /// 5, a customer of 2, attacks and runs nothing; 6 peers with 2 and 7 is 6's customer.
    /// </summary>
    private static AsGraph Small()
    {
        var g = new AsGraph();
        g.AddProviderCustomer(2, 1);
        g.AddProviderCustomer(3, 2);
        g.AddProviderCustomer(3, 4);
        g.AddProviderCustomer(2, 5);
        g.AddPeers(2, 6);
        g.AddProviderCustomer(6, 7);
        g.AddProviderCustomer(5, 9);
        return g;
    }

    [Fact]
    public void Behind_a_gap_whose_link_goes_down_any_neighbour_may_have_sent_the_flow()
    {
        var search = new SkipOverSearch(Small(), a => a is 3 or 6 or 9, gap: 2, next: 1, excluded: new HashSet<uint> { 1 });
        Assert.Equal([3u, 6u, 9u], search.Targets.Order());
        Assert.Equal([2u, 5u], search.Cone);           // 5 runs nothing: the search went on through it to 9
        Assert.Equal(2, search.Level(9));
        Assert.Equal([5u, 2u], search.Chain(9));
    }

    [Fact]
    public void Behind_a_gap_whose_link_goes_up_only_its_customers_may_have_sent_the_flow()
    {
        var g = Small();
        // 2 → 6 is a peer link: before it, the flow can only have climbed from 2's customers (1 and 5, then 9).
        var search = new SkipOverSearch(g, a => a is 3 or 9, gap: 2, next: 6, excluded: new HashSet<uint> { 6 });
        Assert.Equal([9u], search.Targets);
        Assert.Equal([2u, 1u, 5u], search.Cone);
    }

    [Fact]
    public void An_as_first_reached_uphill_and_then_downhill_is_searched_again_for_the_neighbours_only_a_downhill_link_allows()
    {
        // Victim 1 below gap 2; 2 peers with 3 and buys from 4; 5 sells to 3 and to 4; 6, deployed, peers with 5.
        // 5 is reached first as 3's customer (only its customers may have sent it the flow), then as 4's provider, where 6,
        // its peer, may have: 6 → 5 → 4 → 2 → 1 is valley-free.
        var g = new AsGraph();
        g.AddProviderCustomer(2, 1);
        g.AddPeers(2, 3);
        g.AddProviderCustomer(4, 2);
        g.AddProviderCustomer(3, 5);
        g.AddProviderCustomer(5, 4);
        g.AddPeers(5, 6);
        var search = new SkipOverSearch(g, a => a == 6, gap: 2, next: 1, excluded: new HashSet<uint> { 1 });
        Assert.Equal([6u], search.Targets);
        Assert.Equal([5u, 4u, 2u], search.Chain(6));
    }

    [Fact]
    public void With_inferred_routes_the_cone_keeps_only_ases_whose_route_crosses_the_gap()
    {
        var g = Small();
        var routes = ValleyFreeRouting.RoutesTo(g, 1);
        var search = new SkipOverSearch(g, _ => false, gap: 2, next: 1, excluded: new HashSet<uint> { 1 }, routes: routes);
        Assert.All(search.Cone.Skip(1), a => Assert.Contains(2u, ValleyFreeRouting.Path(routes, a)));
        Assert.Contains(7u, search.Cone);
    }

    private string Topology()
    {
        string path = Path.Combine(_directory, "small.as-rel");
        File.WriteAllText(path, "# provider|customer|-1, peer|peer|0\n2|1|-1\n3|2|-1\n3|4|-1\n2|5|-1\n2|6|0\n6|7|-1\n5|9|-1\n3|10|-1\n10|11|-1\n");
        return path;
    }

    /// <summary>
    /// With spoofing notices 4 (its hosts) and 3 (from its customer 4) tell the victim; skip-over behind 2 asks only 3, the AS on
    /// their routes: 1 asks 2 (a gap), then 3, and 3 asks 4. Without, it asks 3, 6 and 9 (the deployed ASes whose route crosses 2).
    /// </summary>
    [Theory]
    [InlineData("memory", true, 3)]
    [InlineData("tls", true, 3)]
    [InlineData("memory", false, 5)]
    [InlineData("tls", false, 5)]
    public async Task A_trace_skips_over_a_transit_as_that_runs_nothing_and_names_candidates_for_an_origin_that_runs_nothing(string transport,
        bool notices, int asesAsked)
    {
        var scenario = new Scenario
        {
            Transport = transport,
            Topology = new TopologySpec { AsRel = Topology() },
            Victim = new VictimSpec { As = 1 },
            Attackers = [new AttackerSpec { As = 4 }, new AttackerSpec { As = 5 }],
            PacketsPerAttacker = 20,
            BackgroundPackets = 50,
            Deployment = new DeploymentSpec
            {
                SpoofNotices = notices,
                Overrides = new() { ["2"] = new DeploymentOverride { Bts = "none", Ts = "none" },
                    ["5"] = new DeploymentOverride { Bts = "none", Ts = "none" } },
            },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);
        var interTrack = report.InterTrack;

        Assert.Equal([4u], interTrack.OriginAses);                   // found behind the gap, by skip-over
        Assert.Contains(interTrack.AsPaths, p => p.SequenceEqual(new uint[] { 1, 2, 3, 4 }));
        Assert.Equal(1.0, interTrack.Precision);
        Assert.Equal(1, interTrack.CandidateSets[4]);
        Assert.Equal(2, interTrack.CandidateSets[5]);                 // AS5 runs nothing: it is one of {2, 5}
        Assert.Equal(0.5, interTrack.WithinCandidates(1));
        Assert.Equal(1.0, interTrack.WithinCandidates(2));
        Assert.Equal(asesAsked, interTrack.AsesAsked);
        Assert.True(interTrack.Messages >= 6 && interTrack.Bytes > interTrack.Messages * 100, $"{interTrack.Messages} messages, {interTrack.Bytes} bytes");
    }

    [Fact]
    public async Task Without_skip_over_the_trace_stops_at_the_gap_and_names_its_candidates()
    {
        var scenario = new Scenario
        {
            Topology = new TopologySpec { AsRel = Topology() },
            Victim = new VictimSpec { As = 1 },
            Attackers = [new AttackerSpec { As = 4 }],
            PacketsPerAttacker = 20,
            Deployment = new DeploymentSpec { SkipOver = false, Overrides = new() { ["2"] = new DeploymentOverride { Bts = "none", Ts = "none" } } },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);
        Assert.Empty(report.InterTrack.OriginAses);
        Assert.Equal([2u], report.InterTrack.Unresolved);
        Assert.True(report.InterTrack.CandidateSets[4] > 2, $"candidates {report.InterTrack.CandidateSets[4]}"); // 4 is behind 2, among others
    }

    [Fact]
    public async Task On_2000_ases_with_70_percent_deployed_at_random_skip_over_finds_the_deployed_attackers()
    {
        var scenario = new Scenario
        {
            Seed = 3,
            Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 2000 } },
            Attackers = [new AttackerSpec { Count = 25 }],
            PacketsPerAttacker = 20,
            TracedPackets = 500,
            Deployment = new DeploymentSpec { Ts = KindMix.Only("digest", 0.7), Bts = KindMix.Only("digest", 0.7) },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);
        Assert.InRange(report.DeployedAttackerAses.Count, 12, 24);
        double found = EmulationReport.RecallOf(report.DeployedAttackerAses, report.InterTrack)!.Value;
        Assert.True(found >= 0.8, $"skip-over found {found:P0} of {report.DeployedAttackerAses.Count} deployed attackers");
        Assert.True(report.InterTrack.Precision >= 0.95, $"precision {report.InterTrack.Precision}");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
