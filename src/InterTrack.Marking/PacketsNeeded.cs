namespace InterTrack.Marking;

/// <summary>
/// How many attack packets the victim needs before marking names the path, by simulation: packets
/// with random identification fields (what an attacker writes) cross the marking routers in turn.
/// </summary>
internal static class PacketsNeeded
{
    /// <summary>Edge sampling over <paramref name="hops"/> marking routers, mean over <paramref name="trials"/> attacks.</summary>
    /// <returns>
    /// Packets until every router's every fragment has arrived at least once (the quantity of the
    /// paper's bound), and until <see cref="EdgeSampling.Reconstruct"/> names exactly the routers in order.
    /// </returns>
    public static (double Collected, double Reconstructed) EdgeSampling(int hops, double probability, int trials, int seed, int maxPackets = 1_000_000)
    {
        var marking = new EdgeSampling(probability);
        var random = new Random(seed);
        double collected = 0, reconstructed = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            uint[] routers = [.. Enumerable.Range(0, hops).Select(_ => (uint)random.Next())]; // routers[0] nearest the attacker
            var expected = routers.Reverse().ToArray();
            var fragments = new HashSet<(int, int)>();
            var ids = new List<ushort>();
            int? allCollected = null;
            for (int packet = 1; packet <= maxPackets; packet++)
            {
                ushort id = (ushort)random.Next(0x10000);
                foreach (uint router in routers)
                {
                    id = marking.Mark(id, router, random);
                }
                ids.Add(id);
                int distance = (id >> 8) & 0x1F;
                if (distance < hops && MarkedBy(id, routers[hops - 1 - distance], expected, distance))
                {
                    fragments.Add((distance, id >> 13));
                }
                allCollected ??= fragments.Count == hops * InterTrack.Marking.EdgeSampling.Fragments ? packet : null;
                // Reconstructing is costlier than marking: once everything arrived, try it then and every tenth of the packets so far.
                if (allCollected is not null && (packet == allCollected || packet % Math.Max(1, packet / 10) == 0)
                    && Matches(InterTrack.Marking.EdgeSampling.Reconstruct(ids), expected))
                {
                    collected += allCollected.Value;
                    reconstructed += packet;
                    break;
                }
            }
        }
        return (collected / trials, reconstructed / trials);
    }

    /// <summary>DPM: packets until both halves of the ingress address arrived, mean over <paramref name="trials"/>.</summary>
    public static double Deterministic(int trials, int seed)
    {
        var random = new Random(seed);
        double total = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            uint address = (uint)random.Next();
            var marks = new List<(ushort, bool)>();
            while (DeterministicMarking.Reconstruct(marks, [address]).Count == 0)
            {
                marks.Add(DeterministicMarking.Mark(address, random));
            }
            total += marks.Count;
        }
        return total / trials;
    }

    /// <summary>Savage et al.'s bound for d hops without fragments: ln d / (p (1 − p)^(d − 1)).</summary>
    public static double Bound(int hops, double p) => Math.Log(hops) / (p * Math.Pow(1 - p, hops - 1));

    /// <summary>Their bound with k fragments per edge: k ln(k d) / (p (1 − p)^(d − 1)).</summary>
    public static double FragmentBound(int hops, double p) =>
        InterTrack.Marking.EdgeSampling.Fragments * Math.Log(InterTrack.Marking.EdgeSampling.Fragments * hops) / (p * Math.Pow(1 - p, hops - 1));

    /// <summary>Whether the edge fragment of a packet at <paramref name="distance"/> is the true one (the router there, XOR the one before it).</summary>
    private static bool MarkedBy(ushort id, uint router, uint[] fromVictim, int distance)
    {
        int offset = id >> 13;
        ulong value = InterTrack.Marking.EdgeSampling.Value(router) ^ (distance > 0 ? InterTrack.Marking.EdgeSampling.Value(fromVictim[distance - 1]) : 0);
        return (byte)(value >> (offset * 8)) == (byte)id;
    }

    private static bool Matches(IReadOnlyList<IReadOnlyList<uint>> path, uint[] expected) =>
        path.Count >= expected.Length && expected.Select((a, i) => path[i].Count == 1 && path[i][0] == a).All(x => x);
}
