using InterTrack.Node.Topology;

namespace InterTrack.Lab;

/// <summary>
/// Small Internet-like topologies for the lab, where the emulator's generator (made for thousands
/// of ASes) has too few ASes to work with: 2–3 tier-1s peering in a full mesh, about a third of
/// the rest transit providers (one or two providers among the tier-1s and earlier transits, some
/// peering), the others stubs with one or two providers. AS numbers are private: 65001, 65002, …
/// </summary>
internal static class LabTopology
{
    public const uint FirstAs = 65001;

    public static AsGraph Generate(int ases, int seed)
    {
        if (ases is < 3 or > LabOptions.MaxAses)
        {
            throw new LabException($"--ases: {ases}: a lab has 3 to {LabOptions.MaxAses} ASes");
        }
        var random = new Random(seed);
        var graph = new AsGraph();
        int tier1 = ases < 8 ? 2 : 3;
        int transit = Math.Max(1, (ases - tier1) / 3);
        var cores = Enumerable.Range(0, tier1).Select(i => FirstAs + (uint)i).ToList();
        for (int i = 0; i < cores.Count; i++)
        {
            graph.AddAs(cores[i]);
            for (int j = 0; j < i; j++)
            {
                graph.AddPeers(cores[i], cores[j]);
            }
        }
        var providers = new List<uint>(cores);
        var transits = new List<uint>();
        for (int i = 0; i < transit; i++)
        {
            uint a = FirstAs + (uint)(tier1 + i);
            Attach(graph, random, a, providers, random.Next(1, 3));
            if (transits.Count > 0 && random.NextDouble() < 0.5)
            {
                uint peer = transits[random.Next(transits.Count)];
                if (!graph.Neighbors(a).Contains(peer)) // the transit drawn may be its provider already: then no peering
                {
                    graph.AddPeers(a, peer);
                }
            }
            transits.Add(a);
            providers.Add(a);
        }
        for (uint a = FirstAs + (uint)(tier1 + transit); a < FirstAs + (uint)ases; a++)
        {
            Attach(graph, random, a, transits, random.Next(1, 3));
        }
        return graph;
    }

    private static void Attach(AsGraph graph, Random random, uint customer, List<uint> candidates, int count)
    {
        graph.AddAs(customer);
        foreach (uint provider in candidates.OrderBy(_ => random.Next()).Take(Math.Min(count, candidates.Count)))
        {
            graph.AddProviderCustomer(provider, customer);
        }
    }
}
