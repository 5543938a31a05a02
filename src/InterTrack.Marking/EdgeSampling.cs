using System.IO.Hashing;

namespace InterTrack.Marking;

/// <summary>
/// Probabilistic packet marking with compressed edge fragment sampling (Savage, Wetherall, Karlin
/// and Anderson, SIGCOMM 2000) in the 16-bit IP identification field: 3 bits of fragment offset,
/// 5 bits of distance, 8 bits of edge fragment. A router's 64-bit value is its 32-bit address
/// bit-interleaved with a 32-bit hash of it, in <see cref="Fragments"/> fragments of 8 bits.
/// With probability p a router starts an edge (a random fragment of its value, distance 0);
/// otherwise, at distance 0 it XORs its own fragment in (closing the edge), and it increments the
/// distance. The victim rebuilds router values distance by distance, each from the previous one,
/// checking every candidate by its hash bits.
/// </summary>
internal sealed class EdgeSampling(double probability = 1.0 / 25)
{
    public const int Fragments = 8;
    private const int MaxDistance = 31;

    public double Probability => probability;

    /// <summary>What a router does to a packet it forwards.</summary>
    public ushort Mark(ushort id, uint routerAddress, Random random)
    {
        var (offset, distance, edge) = Split(id);
        if (random.NextDouble() < probability)
        {
            offset = random.Next(Fragments);
            return Join(offset, 0, Fragment(Value(routerAddress), offset));
        }
        if (distance == 0)
        {
            edge ^= Fragment(Value(routerAddress), offset);
        }
        return Join(offset, Math.Min(distance + 1, MaxDistance), edge);
    }

    /// <summary>
    /// The routers the marks name, by distance from the victim (index 0: the nearest marking
    /// router): at each distance the addresses whose every fragment arrived and whose hash checks.
    /// Reconstruction stops at the first distance it cannot complete (an edge needs the router before it).
    /// </summary>
    /// <param name="perOffset">Candidate fragments tried per offset and distance, most frequent first: unmarked packets
    /// carry whatever the sender wrote, and trying every combination of that noise would not end.</param>
    public static IReadOnlyList<IReadOnlyList<uint>> Reconstruct(IEnumerable<ushort> ids, int perOffset = 3)
    {
        // (distance, offset) → fragment value → times seen
        var seen = new Dictionary<(int, int), Dictionary<byte, int>>();
        foreach (ushort id in ids)
        {
            var (offset, distance, edge) = Split(id);
            var counts = seen.TryGetValue((distance, offset), out var c) ? c : seen[(distance, offset)] = [];
            counts[edge] = counts.GetValueOrDefault(edge) + 1;
        }
        var path = new List<IReadOnlyList<uint>>();
        IReadOnlyList<ulong> previous = [0UL]; // the value "before" distance 0: nothing to XOR off
        for (int distance = 0; distance <= MaxDistance; distance++)
        {
            var options = new List<byte>[Fragments];
            for (int offset = 0; offset < Fragments; offset++)
            {
                if (!seen.TryGetValue((distance, offset), out var counts))
                {
                    return path;
                }
                options[offset] = [.. counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(perOffset).Select(kv => kv.Key)];
            }
            var found = new List<ulong>();
            foreach (ulong before in previous)
            {
                foreach (ulong value in Combinations(options, before))
                {
                    if (Valid(value) && !found.Contains(value))
                    {
                        found.Add(value);
                    }
                }
            }
            if (found.Count == 0)
            {
                return path;
            }
            path.Add([.. found.Select(Address)]);
            previous = found;
        }
        return path;
    }

    /// <summary>Every value whose fragments, each XORed with the fragment of <paramref name="before"/> at that offset, are among the options.</summary>
    private static IEnumerable<ulong> Combinations(List<byte>[] options, ulong before)
    {
        var choice = new int[Fragments];
        while (true)
        {
            ulong value = 0;
            for (int offset = 0; offset < Fragments; offset++)
            {
                value |= (ulong)(byte)(options[offset][choice[offset]] ^ Fragment(before, offset)) << (offset * 8);
            }
            yield return value;
            int k = 0;
            while (k < Fragments && ++choice[k] == options[k].Count)
            {
                choice[k++] = 0;
            }
            if (k == Fragments)
            {
                yield break;
            }
        }
    }

    /// <summary>The router's 64-bit value: address bits at even positions, hash bits at odd ones.</summary>
    public static ulong Value(uint address)
    {
        uint hash = Hash(address);
        ulong value = 0;
        for (int bit = 0; bit < 32; bit++)
        {
            value |= (ulong)((address >> bit) & 1) << (2 * bit);
            value |= (ulong)((hash >> bit) & 1) << (2 * bit + 1);
        }
        return value;
    }

    private static uint Address(ulong value)
    {
        uint address = 0;
        for (int bit = 0; bit < 32; bit++)
        {
            address |= (uint)((value >> (2 * bit)) & 1) << bit;
        }
        return address;
    }

    private static bool Valid(ulong value)
    {
        uint address = Address(value), hash = 0;
        for (int bit = 0; bit < 32; bit++)
        {
            hash |= (uint)((value >> (2 * bit + 1)) & 1) << bit;
        }
        return Hash(address) == hash;
    }

    private static uint Hash(uint address) => XxHash32.HashToUInt32(BitConverter.GetBytes(address), seed: 0x5A7A6E);

    private static byte Fragment(ulong value, int offset) => (byte)(value >> (offset * 8));

    private static (int Offset, int Distance, byte Edge) Split(ushort id) => (id >> 13, (id >> 8) & 0x1F, (byte)id);

    private static ushort Join(int offset, int distance, byte edge) => (ushort)((offset << 13) | (distance << 8) | edge);
}
