using InterTrack.Node.Topology;
namespace InterTrack.Emulation;

/// <summary>The kinds of AS in a generated topology (Elmokashfi et al., IEEE JSAC 2010).</summary>
internal enum AsTier
{
    /// <summary>Tier-1: 4–6 of them, peering in a full mesh, with no providers.</summary>
    Tier1,
    /// <summary>Mid-level transit providers, ~15 %.</summary>
    Mid,
    /// <summary>Content providers, ~5 %: multihomed, peering widely.</summary>
    ContentProvider,
    /// <summary>Stubs: customers only.</summary>
    Stub,
}

/// <summary>
/// Internet-like AS topologies of any size from a seed, after Elmokashfi, Kvalbein and Dovrolis
/// ("On the scalability of BGP: the role of topology growth", JSAC 2010), with the parameters
/// networkx's random_internet_as_graph uses: multihoming and peering degrees grow with n.
/// Providers are chosen by preferential attachment among higher tiers or earlier mid-level ASes,
/// so the provider hierarchy has no cycles. AS numbers are 1..n, tier-1s first.
/// </summary>
internal static class TopologyGenerator
{
    public static (AsGraph Graph, IReadOnlyDictionary<uint, AsTier> Tiers) Generate(int ases, int seed)
    {
        if (ases < 20)
        {
            throw new ArgumentOutOfRangeException(nameof(ases), ases, "a generated topology needs at least 20 ASes");
        }
        var random = new Random(seed);
        double n = ases;
        int tier1 = 4 + (int)Math.Round(random.NextDouble() * 2);
        int mid = (int)Math.Round(0.15 * n);
        int content = (int)Math.Round(0.05 * n);
        double midProviders = 2 + 2.5 * n / 10_000, contentProviders = 2 + 1.5 * n / 10_000, stubProviders = 1 + 5 * n / 100_000;
        double midPeers = 1 + 2 * n / 10_000, contentMidPeers = 0.2 + 2 * n / 10_000, contentPeers = 0.05 + 5 * n / 100_000;
        const double midFromTier1 = 0.375, contentFromTier1 = 0.375, stubFromTier1 = 0.125;

        var graph = new AsGraph();
        var tiers = new Dictionary<uint, AsTier>();
        var tier1s = Range(1, tier1);
        var mids = Range(tier1 + 1, mid);
        var contents = Range(tier1 + mid + 1, content);
        var stubs = Range(tier1 + mid + content + 1, ases - tier1 - mid - content);
        foreach (var (list, tier) in new[] { (tier1s, AsTier.Tier1), (mids, AsTier.Mid), (contents, AsTier.ContentProvider), (stubs, AsTier.Stub) })
        {
            foreach (uint a in list)
            {
                graph.AddAs(a);
                tiers[a] = tier;
            }
        }
        for (int i = 0; i < tier1s.Count; i++)
        {
            for (int j = i + 1; j < tier1s.Count; j++)
            {
                graph.AddPeers(tier1s[i], tier1s[j]);
            }
        }
        var pools = new[] { new PreferentialPool(tier1s, graph), new PreferentialPool(mids, graph), new PreferentialPool(contents, graph) };
        var (tier1Pool, midPool, contentPool) = (pools[0], pools[1], pools[2]);
        void Link(uint a, uint b, bool peers)
        {
            if (peers) graph.AddPeers(a, b);
            else graph.AddProviderCustomer(a, b);
            foreach (var pool in pools)
            {
                pool.Grew(a);
                pool.Grew(b);
            }
        }
        void Attach(uint customer, int providers, double fromTier1, int lowerPrefix)
        {
            for (int k = 0; k < providers; k++)
            {
                var (pool, prefix) = lowerPrefix > 0 && random.NextDouble() >= fromTier1 ? (midPool, lowerPrefix) : (tier1Pool, tier1Pool.Count);
                if (pool.Pick(random, prefix, graph.Neighbors(customer).Append(customer)) is { } provider)
                {
                    Link(provider, customer, peers: false);
                }
            }
        }
        void Peer(uint a, int peers, PreferentialPool pool)
        {
            for (int k = 0; k < peers; k++)
            {
                // Not with an AS that is already a neighbour, nor one in a customer–provider line with it.
                if (pool.Pick(random, pool.Count, graph.Neighbors(a).Append(a)) is { } b)
                {
                    Link(a, b, peers: true);
                }
            }
        }
        for (int i = 0; i < mids.Count; i++)
        {
            Attach(mids[i], Count(random, midProviders), midFromTier1, lowerPrefix: i);
        }
        foreach (uint a in contents)
        {
            Attach(a, Count(random, contentProviders), contentFromTier1, midPool.Count);
        }
        foreach (uint a in stubs)
        {
            Attach(a, Count(random, stubProviders), stubFromTier1, midPool.Count);
        }
        foreach (uint a in mids)
        {
            Peer(a, Count(random, midPeers, 0), midPool);
        }
        foreach (uint a in contents)
        {
            Peer(a, Count(random, contentMidPeers, 0), midPool);
            Peer(a, Count(random, contentPeers, 0), contentPool);
        }
        return (graph, tiers);
    }

    /// <summary>A whole count with the given mean: the integer part, plus one with the fraction's probability.</summary>
    private static int Count(Random random, double mean, int minimum = 1) =>
        Math.Max(minimum, (int)mean + (random.NextDouble() < mean - Math.Floor(mean) ? 1 : 0));

    private static List<uint> Range(int first, int count) => [.. Enumerable.Range(first, count).Select(i => (uint)i)];
}
