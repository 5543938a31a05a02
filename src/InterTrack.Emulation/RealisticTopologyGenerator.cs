using InterTrack.Node.Topology;
namespace InterTrack.Emulation;

/// <summary>
/// AS topologies with the shape of CAIDA's measured AS graph (September 2025: 78,643 ASes, 161,166
/// provider–customer and 409,530 peer links, 57 % of ASes multihomed, the ten largest customer
/// cones 35,000–72,000 ASes), per AS the same at any size (docs/emulation.md, "Topology models").
/// ASes join in order of their number: tier-1s first, in a full peering mesh, then the ASes that
/// may sell transit (15 %), then the rest. A joining AS buys transit from one provider, or (57 %)
/// from two or more, among the tier-1s and transit ASes that joined before it — so the provider
/// hierarchy has no cycles — with a pull that falls with the provider's rank as a power law:
/// the oldest networks have the most customers and the largest cones.
/// Peering is IXP-style: mostly transit ASes, and a fifth of the others, are members of IXPs whose
/// size is heavy-tailed, and any two members of an IXP peer with one probability, the one that
/// gives the measured number of peer links per AS.
/// </summary>
internal static class RealisticTopologyGenerator
{
    /// <summary>
    /// Of the transit ASes, and of the others, those that buy transit from two or more providers,
    /// and how many beyond the second they buy on average: transit ASes more, and in all 57 % of
    /// ASes multihomed and 2.05 provider links per AS (CAIDA).
    /// </summary>
    private const double TransitMultihomed = 0.85, TransitExtraProviders = 2.5, StubMultihomed = 0.52, StubExtraProviders = 0.5;
    /// <summary>ASes that can sell transit (CAIDA: about 15 % of ASes have customers).</summary>
    private const double TransitShare = 0.15;
    /// <summary>
    /// How fast a provider's pull falls with its rank (ASes that joined earlier win more customers),
    /// tuned so that the ten largest customer cones span about the shares of ASes CAIDA measures
    /// (~92 % to ~45 %): steeper makes the tenth smaller, and the largest too, as the transit ASes
    /// below it buy from fewer providers; flatter makes the ten alike.
    /// </summary>
    private const double RankExponent = 1.02;
    /// <summary>Draws for a provider not yet chosen before an AS settles for fewer (only when few are earlier).</summary>
    private const int MaxTries = 50;
    /// <summary>Peer links per AS (CAIDA: 409,530 for 78,643 ASes).</summary>
    private const double PeersPerAs = 409_530.0 / 78_643;
    /// <summary>Chances that a transit AS, and another AS, is a member of an IXP.</summary>
    private const double TransitAtIxp = 0.75, StubAtIxp = 0.2;
    /// <summary>One IXP per this many ASes (PeeringDB lists about 1,000 IXPs, most of them small).</summary>
    private const int AsesPerIxp = 150;

    public static AsGraph Generate(int ases, int seed)
    {
        if (ases < 20)
        {
            throw new ArgumentOutOfRangeException(nameof(ases), ases, "a generated topology needs at least 20 ASes");
        }
        var random = new Random(seed);
        // 16 tier-1s at the Internet's size (CAIDA's clique), fewer in a smaller one.
        int tier1 = Math.Clamp((int)Math.Round(Math.Sqrt(ases / 300.0)), 4, 16);
        int transit = (int)Math.Round(TransitShare * ases);
        var graph = new AsGraph();
        for (uint a = 1; a <= ases; a++)
        {
            graph.AddAs(a);
        }
        var tier1s = Range(1, tier1);
        for (int i = 0; i < tier1s.Count; i++)
        {
            for (int j = i + 1; j < tier1s.Count; j++)
            {
                graph.AddPeers(tier1s[i], tier1s[j]);
            }
        }

        // AS r, at rank r (tier-1s first, then transit ASes in order), wins a customer with weight r^-RankExponent.
        var cumulative = new double[tier1 + transit];
        for (int r = 0; r < cumulative.Length; r++)
        {
            cumulative[r] = (r > 0 ? cumulative[r - 1] : 0) + Math.Pow(r + 1, -RankExponent);
        }
        for (int i = tier1; i < ases; i++)
        {
            uint customer = (uint)(i + 1);
            int earlier = Math.Min(i, cumulative.Length); // only ASes that joined before it: no cycles
            var (multihomed, extra) = i < cumulative.Length ? (TransitMultihomed, TransitExtraProviders) : (StubMultihomed, StubExtraProviders);
            int providers = Math.Min(earlier, random.NextDouble() < multihomed ? 2 + Geometric(random, extra) : 1);
            for (int tries = 0; graph.Providers(customer).Count < providers && tries < MaxTries; tries++)
            {
                int r = Array.BinarySearch(cumulative, 0, earlier, random.NextDouble() * cumulative[earlier - 1]);
                uint provider = (uint)Math.Min(r < 0 ? ~r : r, earlier - 1) + 1;
                if (!graph.Linked(provider, customer))
                {
                    graph.AddProviderCustomer(provider, customer);
                }
            }
        }

        Peer(graph, random, Range(tier1 + 1, ases - tier1), ases);
        return graph;
    }

    /// <summary>IXP memberships, then peerings among the members of each IXP.</summary>
    private static void Peer(AsGraph graph, Random random, List<uint> candidates, int ases)
    {
        int ixpCount = Math.Max(2, ases / AsesPerIxp);
        var members = Enumerable.Range(0, ixpCount).Select(_ => new List<uint>()).ToList();
        // One ticket per IXP and per member: an AS joins an IXP with probability in proportion to its tickets.
        var tickets = Enumerable.Range(0, ixpCount).ToList();
        var joined = new HashSet<(int Ixp, uint As)>();
        foreach (uint a in candidates)
        {
            int customers = graph.Customers(a).Count;
            if (random.NextDouble() >= (customers > 0 ? TransitAtIxp : StubAtIxp))
            {
                continue;
            }
            // Larger transit ASes are at more IXPs.
            int joins = 1 + Geometric(random, customers > 0 ? Math.Log2(1 + customers) : 0.3);
            for (int k = 0; k < joins; k++)
            {
                int ixp = tickets[random.Next(tickets.Count)];
                if (joined.Add((ixp, a)))
                {
                    members[ixp].Add(a);
                    tickets.Add(ixp);
                }
            }
        }
        double pairs = members.Sum(m => (double)m.Count * (m.Count - 1) / 2);
        double chance = Math.Min(1, PeersPerAs * ases / pairs);
        foreach (var m in members)
        {
            for (int i = 0; i < m.Count; i++)
            {
                for (int j = i + 1; j < m.Count; j++)
                {
                    if (random.NextDouble() < chance && !graph.Linked(m[i], m[j]))
                    {
                        graph.AddPeers(m[i], m[j]);
                    }
                }
            }
        }
    }

    /// <summary>A count ≥ 0 with the given mean, geometrically distributed.</summary>
    private static int Geometric(Random random, double mean)
    {
        int count = 0;
        while (random.NextDouble() < mean / (1 + mean))
        {
            count++;
        }
        return count;
    }

    private static List<uint> Range(int first, int count) => [.. Enumerable.Range(first, count).Select(i => (uint)i)];
}
