using System.Globalization;

namespace InterTrack.Node.Topology;

/// <summary>
/// The figures that say whether an AS graph has the real Internet's shape (docs/emulation.md,
/// "Topology models"): link counts, multihoming, peering of stubs, and the largest customer cones.
/// </summary>
/// <param name="MultihomedShare">Of all ASes, those with at least two providers.</param>
/// <param name="Stubs">ASes without customers.</param>
/// <param name="StubsWithoutPeersShare">Of the stubs, those without peers.</param>
/// <param name="LargestCones">The largest customer cones, largest first (ties: lower AS number first).</param>
/// <param name="ProviderCycle">ASes each a provider of the next and the last of the first, if the provider–customer links have a cycle.</param>
public sealed record TopologyStatistics(int Ases, int ProviderCustomerLinks, int PeerLinks, double MultihomedShare, int Stubs,
    double StubsWithoutPeersShare, IReadOnlyList<(uint As, int Size)> LargestCones, IReadOnlyList<uint>? ProviderCycle)
{
    public static TopologyStatistics Of(AsGraph graph, int largest = 10)
    {
        var ases = graph.Ases.ToArray();
        int providerCustomer = ases.Sum(a => graph.Customers(a).Count);
        int stubs = ases.Count(a => graph.Customers(a).Count == 0);
        var cones = ConeSizes(graph);
        return new TopologyStatistics(
            ases.Length,
            providerCustomer,
            graph.LinkCount - providerCustomer,
            Share(ases.Count(a => graph.Providers(a).Count >= 2), ases.Length),
            stubs,
            Share(ases.Count(a => graph.Customers(a).Count == 0 && graph.Peers(a).Count == 0), stubs),
            [.. cones.OrderByDescending(c => c.Value).ThenBy(c => c.Key).Take(largest).Select(c => (c.Key, c.Value))],
            FindProviderCycle(graph));
    }

    /// <summary>
    /// Every AS's customer cone size: the AS itself and every AS below it along provider→customer
    /// links (CAIDA's definition). One walk per AS with customers, marking visits with the walk's
    /// number, so the time is the sum of the cones and the memory one array; a cycle cannot loop it.
    /// </summary>
    public static Dictionary<uint, int> ConeSizes(AsGraph graph)
    {
        var ases = graph.Ases.ToArray();
        var index = new Dictionary<uint, int>(ases.Length);
        for (int i = 0; i < ases.Length; i++)
        {
            index[ases[i]] = i;
        }
        var customers = ases.Select(a => graph.Customers(a).Select(c => index[c]).ToArray()).ToArray();
        var visited = new int[ases.Length];
        var stack = new Stack<int>();
        var sizes = new Dictionary<uint, int>(ases.Length);
        for (int root = 0; root < ases.Length; root++)
        {
            int walk = root + 1, size = 1;
            visited[root] = walk;
            stack.Push(root);
            while (stack.TryPop(out int at))
            {
                foreach (int c in customers[at])
                {
                    if (visited[c] != walk)
                    {
                        visited[c] = walk;
                        size++;
                        stack.Push(c);
                    }
                }
            }
            sizes[ases[root]] = size;
        }
        return sizes;
    }

    /// <summary>A cycle of provider→customer links (each AS a provider of the next, the last of the first), or null when there is none.</summary>
    public static IReadOnlyList<uint>? FindProviderCycle(AsGraph graph)
    {
        // Depth-first, iteratively: an AS met again while still on the path closes a cycle.
        var state = new Dictionary<uint, bool>(); // false: on the path; true: done
        var path = new List<uint>();
        var pending = new Stack<IEnumerator<uint>>();
        foreach (uint root in graph.Ases)
        {
            if (state.ContainsKey(root))
            {
                continue;
            }
            state[root] = false;
            path.Add(root);
            pending.Push(graph.Customers(root).GetEnumerator());
            while (pending.TryPeek(out var next))
            {
                if (!next.MoveNext())
                {
                    pending.Pop();
                    state[path[^1]] = true;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }
                uint c = next.Current;
                if (!state.TryGetValue(c, out bool done))
                {
                    state[c] = false;
                    path.Add(c);
                    pending.Push(graph.Customers(c).GetEnumerator());
                }
                else if (!done)
                {
                    return path[path.IndexOf(c)..];
                }
            }
        }
        return null;
    }

    /// <summary>The figures, one per line, as <c>topology stats</c> and <c>topology generate</c> print them.</summary>
    public IEnumerable<string> Lines()
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Create(c, $"ASes                          {Ases,9:N0}");
        yield return string.Create(c, $"provider–customer links       {ProviderCustomerLinks,9:N0}");
        yield return string.Create(c, $"peer links                    {PeerLinks,9:N0}");
        yield return string.Create(c, $"multihomed (≥ 2 providers)    {MultihomedShare * 100,8:F1} %");
        yield return string.Create(c, $"stubs (no customers)          {Stubs,9:N0}");
        yield return string.Create(c, $"stubs without peers           {StubsWithoutPeersShare * 100,8:F1} %");
        var cones = LargestCones.Select(x => string.Create(c, $"AS{x.As} {x.Size:N0}"));
        yield return $"largest customer cones        {string.Join(", ", cones)}";
        yield return ProviderCycle is { } cycle
            ? $"provider–customer cycle       {string.Join(" → ", cycle.Append(cycle[0]).Select(a => $"AS{a}"))}"
            : "provider–customer cycle       none";
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
