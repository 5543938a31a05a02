using InterTrack.Emulation;
using InterTrack.Node.Topology;

namespace InterTrack.Tests.Emulation;

public class TopologyTests
{
    [Fact]
    public void The_caida_reader_takes_relationships_comments_and_a_fourth_column()
    {
        var graph = CaidaFormat.Read(new StringReader("""
            # source: test
            1|2|-1
            1|3|-1|bgp

            2|3|0
              3|4|-1|mlp
            """));
        Assert.Equal([1u, 2u, 3u, 4u], graph.Ases);
        Assert.Equal([2u, 3u], graph.Customers(1));
        Assert.Equal([3u], graph.Peers(2));
        Assert.Equal([1u], graph.Providers(3));
        Assert.Equal(4, graph.LinkCount);
    }

    [Theory]
    [InlineData("1|2|-1\n1|2\n", "line 2")]
    [InlineData("1|2|-1\n\n# c\n1|x|0\n", "line 4")]
    [InlineData("1|2|5\n", "line 1")]
    [InlineData("0|2|-1\n", "line 1")]
    [InlineData("1|2|-1\n2|1|0\n", "line 2: AS2 and AS1 already have a relationship")]
    [InlineData("7|7|0\n", "line 1: AS7 cannot be related to itself")]
    public void A_malformed_line_is_an_error_naming_the_line(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => CaidaFormat.Read(new StringReader(text)));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generated_topology_has_the_tier_shape_and_survives_the_caida_format()
    {
        var (graph, tiers) = TopologyGenerator.Generate(1000, seed: 7);
        Assert.Equal(1000, graph.Count);
        var tier1 = tiers.Where(t => t.Value == AsTier.Tier1).Select(t => t.Key).ToList();
        Assert.InRange(tier1.Count, 4, 6);
        Assert.All(tier1, t => Assert.Empty(graph.Providers(t)));
        Assert.All(tier1, t => Assert.Equal(tier1.Count - 1, graph.Peers(t).Count(tier1.Contains))); // full mesh
        Assert.Equal(150, tiers.Count(t => t.Value == AsTier.Mid));
        Assert.Equal(50, tiers.Count(t => t.Value == AsTier.ContentProvider));
        Assert.All(tiers.Where(t => t.Value != AsTier.Tier1), t => Assert.NotEmpty(graph.Providers(t.Key)));
        Assert.All(tiers.Where(t => t.Value == AsTier.Stub), t => Assert.Empty(graph.Customers(t.Key)));

        // Heavy-tailed degrees: the best-connected AS has far more neighbours than the median one.
        var degrees = graph.Ases.Select(graph.Degree).Order().ToList();
        Assert.True(degrees[^1] >= 20 * degrees[degrees.Count / 2], $"max degree {degrees[^1]}, median {degrees[degrees.Count / 2]}");
        double midMultihoming = tiers.Where(t => t.Value == AsTier.Mid).Average(t => graph.Providers(t.Key).Count);
        Assert.InRange(midMultihoming, 1.6, 2.6); // d_m = 2.25 at n = 1,000

        var text = new StringWriter();
        CaidaFormat.Write(graph, text);
        var again = CaidaFormat.Read(new StringReader(text.ToString()));
        Assert.Equal(graph.LinkCount, again.LinkCount);
        Assert.All(graph.Ases, a => Assert.Equal(graph.Customers(a), again.Customers(a)));

        Assert.Equal(graph.LinkCount, TopologyGenerator.Generate(1000, seed: 7).Graph.LinkCount); // the seed decides
    }

    [Theory]
    [InlineData(200, 1)]
    [InlineData(200, 2)]
    [InlineData(1000, 3)]
    public void Every_route_on_a_generated_topology_is_valley_free_loop_free_and_preferred(int ases, int seed)
    {
        var (graph, _) = TopologyGenerator.Generate(ases, seed);
        var random = new Random(seed);
        for (int d = 0; d < 10; d++)
        {
            uint destination = (uint)random.Next(1, ases + 1);
            var routes = ValleyFreeRouting.RoutesTo(graph, destination);
            Assert.Equal(ases, routes.Count); // everyone reaches everyone through the tier-1 mesh
            foreach (uint source in graph.Ases)
            {
                var path = ValleyFreeRouting.Path(routes, source);
                Assert.Equal(destination, path[^1]);
                Assert.Equal(path.Count, path.Distinct().Count());
                Assert.True(ValleyFree(graph, path), $"AS{source} → AS{destination}: {string.Join(' ', path)} has a valley");
                var route = routes[source];
                if (route.Kind == RouteKind.Provider)
                {
                    // Chosen only when no customer or peer offered a route (they export their own and customer routes).
                    Assert.DoesNotContain(graph.Customers(source).Concat(graph.Peers(source)),
                        c => routes[c].Kind is RouteKind.Customer or RouteKind.Destination);
                }
            }
        }
    }

    /// <summary>Up (to providers) any number of times, across at most one peering, then down (to customers).</summary>
    private static bool ValleyFree(AsGraph graph, IReadOnlyList<uint> path)
    {
        int phase = 0; // 0 climbing, 1 after the peering, 2 descending
        for (int i = 0; i + 1 < path.Count; i++)
        {
            uint from = path[i], to = path[i + 1];
            int step = graph.Providers(from).Contains(to) ? 0 : graph.Peers(from).Contains(to) ? 1 : graph.Customers(from).Contains(to) ? 2 : -1;
            if (step < 0 || step < phase || (step == 1 && phase == 1))
            {
                return false;
            }
            phase = step;
        }
        return true;
    }
}
