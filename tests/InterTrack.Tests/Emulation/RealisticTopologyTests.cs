using InterTrack.Emulation;
using InterTrack.Node.Topology;

namespace InterTrack.Tests.Emulation;

public class RealisticTopologyTests
{
    /// <summary>CAIDA's AS relationships of September 2025 (issue 25), per AS of its 78,643.</summary>
    private const double MeasuredAses = 78_643;

    [Fact]
    public void A_generated_internet_of_78000_ases_has_the_measured_shape_within_15_percent()
    {
        const int ases = 78_000;
        var graph = RealisticTopologyGenerator.Generate(ases, seed: 1);
        var statistics = TopologyStatistics.Of(graph);

        Assert.Equal(ases, statistics.Ases);
        Assert.Null(statistics.ProviderCycle);
        Near(161_166 / MeasuredAses * ases, statistics.ProviderCustomerLinks, "provider–customer links");
        Near(409_530 / MeasuredAses * ases, statistics.PeerLinks, "peer links");
        Near(0.57, statistics.MultihomedShare, "multihomed share");
        Near(0.80, statistics.StubsWithoutPeersShare, "stubs without peers"); // our assumption, docs/emulation.md
        Near(72_000 / MeasuredAses * ases, statistics.LargestCones[0].Size, "largest customer cone");
        Near(35_000 / MeasuredAses * ases, statistics.LargestCones[9].Size, "tenth largest customer cone");
    }

    [Fact]
    public void The_seed_decides_the_topology()
    {
        var text = (int seed) =>
        {
            var writer = new StringWriter();
            CaidaFormat.Write(RealisticTopologyGenerator.Generate(2000, seed), writer);
            return writer.ToString();
        };
        Assert.Equal(text(5), text(5));
        Assert.NotEqual(text(5), text(6));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(2000)]
    public void Every_as_but_the_tier_1s_has_a_provider_and_everyone_reaches_everyone(int ases)
    {
        var graph = RealisticTopologyGenerator.Generate(ases, seed: 3);
        Assert.Null(TopologyStatistics.FindProviderCycle(graph));
        Assert.Contains(graph.Ases, a => graph.Providers(a).Count == 0);
        uint victim = graph.Ases.Last();
        Assert.Equal(ases, ValleyFreeRouting.RoutesTo(graph, victim).Count);
    }

    [Fact]
    public void A_provider_cycle_is_found_and_named()
    {
        var graph = CaidaFormat.Read(new StringReader("1|2|-1\n2|3|-1\n3|4|-1\n4|2|-1\n1|5|0\n"));
        Assert.Equal([2u, 3u, 4u], TopologyStatistics.FindProviderCycle(graph));
        Assert.Null(TopologyStatistics.FindProviderCycle(CaidaFormat.Read(new StringReader("1|2|-1\n1|3|-1\n2|4|-1\n3|4|-1\n"))));
    }

    private static void Near(double target, double measured, string what) =>
        Assert.True(Math.Abs(measured - target) <= 0.15 * target, $"{what}: {measured:N2}, target {target:N2} ± 15 %");
}
