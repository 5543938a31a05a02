using InterTrack.Topology;
namespace InterTrack.Emulation;

/// <summary>The kinds of AS in a generated topology (Elmokashfi et al., IEEE JSAC 2010).</summary>
public enum AsTier
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
public static class TopologyGenerator
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
        for (int i = 0; i < mids.Count; i++)
        {
            Attach(graph, random, mids[i], Count(random, midProviders), midFromTier1, tier1s, mids.Take(i).ToList());
        }
        foreach (uint a in contents)
        {
            Attach(graph, random, a, Count(random, contentProviders), contentFromTier1, tier1s, mids);
        }
        foreach (uint a in stubs)
        {
            Attach(graph, random, a, Count(random, stubProviders), stubFromTier1, tier1s, mids);
        }
        foreach (uint a in mids)
        {
            Peer(graph, random, a, Count(random, midPeers, 0), mids);
        }
        foreach (uint a in contents)
        {
            Peer(graph, random, a, Count(random, contentMidPeers, 0), mids);
            Peer(graph, random, a, Count(random, contentPeers, 0), contents);
        }
        return (graph, tiers);
    }

    private static void Attach(AsGraph graph, Random random, uint customer, int providers, double fromTier1, List<uint> tier1s, List<uint> lower)
    {
        for (int k = 0; k < providers; k++)
        {
            var pool = lower.Count > 0 && random.NextDouble() >= fromTier1 ? lower : tier1s;
            if (PreferentialPick(graph, random, pool, c => c != customer && !graph.Linked(c, customer)) is { } provider)
            {
                graph.AddProviderCustomer(provider, customer);
            }
        }
    }

    private static void Peer(AsGraph graph, Random random, uint a, int peers, List<uint> pool)
    {
        for (int k = 0; k < peers; k++)
        {
            // Not with an AS that is already a neighbour, nor one in a customer–provider line with it.
            if (PreferentialPick(graph, random, pool, b => b != a && !graph.Linked(a, b)) is { } b)
            {
                graph.AddPeers(a, b);
            }
        }
    }

    /// <summary>An AS of the pool, chosen with probability proportional to its degree + 1; null if none qualifies.</summary>
    private static uint? PreferentialPick(AsGraph graph, Random random, List<uint> pool, Func<uint, bool> allowed)
    {
        double total = 0;
        foreach (uint c in pool)
        {
            if (allowed(c)) total += graph.Degree(c) + 1;
        }
        if (total == 0)
        {
            return null;
        }
        double pick = random.NextDouble() * total;
        foreach (uint c in pool)
        {
            if (!allowed(c)) continue;
            pick -= graph.Degree(c) + 1;
            if (pick <= 0) return c;
        }
        return pool.Last(allowed);
    }

    /// <summary>A whole count with the given mean: the integer part, plus one with the fraction's probability.</summary>
    private static int Count(Random random, double mean, int minimum = 1) =>
        Math.Max(minimum, (int)mean + (random.NextDouble() < mean - Math.Floor(mean) ? 1 : 0));

    private static List<uint> Range(int first, int count) => [.. Enumerable.Range(first, count).Select(i => (uint)i)];
}
