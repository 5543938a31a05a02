using InterTrack.Marking;

namespace InterTrack.Tests.Marking;

public sealed class EdgeSamplingTests
{
    /// <summary>
    /// Sends attack packets (random identification fields) through the routers, attacker side first, until the
    /// reconstruction names them; bounded.
    /// </summary>
    private static (IReadOnlyList<IReadOnlyList<uint>> Path, int Packets) Attack(EdgeSampling marking, uint[] routers, int seed, int stopAtDistances,
        int maxPackets = 200_000)
    {
        var random = new Random(seed);
        var ids = new List<ushort>();
        IReadOnlyList<IReadOnlyList<uint>> path = [];
        for (int packet = 1; packet <= maxPackets; packet++)
        {
            ushort id = (ushort)random.Next(0x10000);
            foreach (uint router in routers)
            {
                id = marking.Mark(id, router, random);
            }
            ids.Add(id);
            if (packet % 500 == 0 && (path = EdgeSampling.Reconstruct(ids)).Count >= stopAtDistances)
            {
                return (path, packet);
            }
        }
        return (EdgeSampling.Reconstruct(ids), maxPackets);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(10)]
    public void The_victim_rebuilds_the_marking_routers_in_order_from_the_marks_alone(int hops)
    {
        var random = new Random(hops);
        uint[] routers = [.. Enumerable.Range(0, hops).Select(_ => (uint)random.Next())];
        var (path, packets) = Attack(new EdgeSampling(), routers, seed: 40 + hops, stopAtDistances: hops);

        Assert.True(path.Count >= hops, $"only {path.Count} of {hops} routers after {packets} packets");
        Assert.Equal(routers.Reverse(), path.Take(hops).Select(Assert.Single)); // nearest the victim first, one router per distance
        Assert.True(packets <= 20 * PacketsNeeded.FragmentBound(hops, 1.0 / 25), $"{packets} packets for {hops} hops");
    }

    [Fact]
    public void Two_attack_paths_through_one_router_name_both_branches_at_their_distance()
    {
        uint shared = 0x0A000001, left = 0x0A000102, right = 0x0A000203;
        var marking = new EdgeSampling();
        var random = new Random(3);
        var ids = new List<ushort>();
        for (int packet = 0; packet < 30_000; packet++)
        {
            ushort id = (ushort)random.Next(0x10000);
            id = marking.Mark(id, packet % 2 == 0 ? left : right, random);
            ids.Add(marking.Mark(id, shared, random));
        }
        var path = EdgeSampling.Reconstruct(ids);
        Assert.Equal([shared], path[0]);
        Assert.Equal([left, right], path[1].Order());
    }

    [Fact]
    public void A_downstream_marking_as_overwrites_upstream_marks_so_the_far_as_needs_more_packets()
    {
        // Two marking ASes of 3 routers each: the victim's marks are one chain of 6 routers, and
        // the far AS's routers only arrive in packets none of the near AS's routers re-marked,
        // (1 − p)^3 of them: the far AS takes longer to appear than the near one.
        var random = new Random(9);
        uint[] far = [.. Enumerable.Range(0, 3).Select(_ => (uint)random.Next())];
        uint[] near = [.. Enumerable.Range(0, 3).Select(_ => (uint)random.Next())];
        var marking = new EdgeSampling();
        var (nearOnly, nearPackets) = Attack(marking, [.. far, .. near], seed: 11, stopAtDistances: 3);
        var (both, allPackets) = Attack(marking, [.. far, .. near], seed: 11, stopAtDistances: 6);

        Assert.Equal(near.Reverse(), nearOnly.Take(3).Select(Assert.Single));
        Assert.Equal([.. near.Reverse(), .. far.Reverse()], both.Take(6).Select(Assert.Single));
        Assert.True(allPackets > nearPackets, $"near AS after {nearPackets} packets, both after {allPackets}");
    }

    [Fact]
    public void Measured_packets_follow_the_papers_expectation_with_fragments()
    {
        // The paper's k ln(kd) stands for the harmonic number of k·d coupons, which is larger for
        // small k·d (H16 = 3.4 against ln 16 = 2.8): measured means sit near the bound, not under it.
        foreach (int hops in new[] { 2, 5, 10 })
        {
            var (collected, reconstructed) = PacketsNeeded.EdgeSampling(hops, 1.0 / 25, trials: 20, seed: hops);
            double bound = PacketsNeeded.FragmentBound(hops, 1.0 / 25);
            Assert.InRange(collected, 0.5 * bound, 1.5 * bound);
            Assert.True(reconstructed >= collected, $"{hops} hops: reconstructed at {reconstructed}, before all fragments arrived ({collected})");
        }
    }
}
