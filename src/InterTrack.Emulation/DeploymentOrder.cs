using InterTrack.Node.Topology;

namespace InterTrack.Emulation;

/// <summary>
/// The order in which a deployment strategy equips ASes (the first share of the order runs a
/// system): "random" (seeded shuffle), "core-first" (largest customer cone first, ties at random),
/// "stubs-first" (ASes without customers first, at random, then the rest at random),
/// "tier1-and-stubs" (ASes without providers first, then stubs, then the rest).
/// </summary>
public static class DeploymentOrder
{
    public static IReadOnlyList<string> Strategies { get; } = ["random", "core-first", "stubs-first", "tier1-and-stubs"];

    public static List<uint> Of(string strategy, AsGraph graph, Random random)
    {
        var shuffled = graph.Ases.OrderBy(_ => random.Next()).ToList();
        if (strategy == "core-first")
        {
            var cones = Cones(graph);
            return [.. shuffled.OrderByDescending(a => cones[a])];
        }
        return strategy switch
        {
            "stubs-first" => [.. shuffled.OrderBy(a => graph.Customers(a).Count == 0 ? 0 : 1)],
            "tier1-and-stubs" => [.. shuffled.OrderBy(a => graph.Providers(a).Count == 0 ? 0 : graph.Customers(a).Count == 0 ? 1 : 2)],
            _ => shuffled,
        };
    }

    /// <summary>Each AS's customer cone size: itself and every AS reachable down customer links.</summary>
    public static Dictionary<uint, int> Cones(AsGraph graph)
    {
        var sizes = new Dictionary<uint, int>();
        var seen = new HashSet<uint>();
        var stack = new Stack<uint>();
        foreach (uint a in graph.Ases)
        {
            seen.Clear();
            stack.Push(a);
            seen.Add(a);
            while (stack.Count > 0)
            {
                foreach (uint c in graph.Customers(stack.Pop()))
                {
                    if (seen.Add(c))
                    {
                        stack.Push(c);
                    }
                }
            }
            sizes[a] = seen.Count;
        }
        return sizes;
    }
}
