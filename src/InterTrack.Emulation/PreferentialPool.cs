using InterTrack.Node.Topology;

namespace InterTrack.Emulation;

/// <summary>
/// ASes to pick from with probability proportional to degree + 1 (preferential attachment), in
/// O(log n) per pick and per degree change: a Fenwick tree of the weights in list order. A pick may
/// be restricted to a prefix of the list and must skip a few disallowed ASes (the picker and its
/// neighbours); it draws one uniform number, as a linear scan over the allowed weights would, so
/// the same seed gives the same topology as the scan.
/// </summary>
internal sealed class PreferentialPool
{
    private readonly List<uint> _ases;
    private readonly Dictionary<uint, int> _position = [];
    private readonly long[] _tree;
    private readonly long[] _weight;

    public PreferentialPool(List<uint> ases, AsGraph graph)
    {
        _ases = ases;
        _tree = new long[ases.Count + 1];
        _weight = new long[ases.Count];
        for (int i = 0; i < ases.Count; i++)
        {
            _position[ases[i]] = i;
            Add(i, graph.Degree(ases[i]) + 1);
        }
    }

    public int Count => _ases.Count;

    /// <summary>Call when an AS's degree grew by one (a link was added to it).</summary>
    public void Grew(uint asNumber)
    {
        if (_position.TryGetValue(asNumber, out int i))
        {
            Add(i, 1);
        }
    }

    /// <summary>An AS among the first <paramref name="prefix"/> of the pool, not in <paramref name="disallowed"/>, by weight; null when none is left.</summary>
    public uint? Pick(Random random, int prefix, IEnumerable<uint> disallowed)
    {
        var excluded = disallowed.Where(_position.ContainsKey).Select(a => _position[a]).Where(i => i < prefix).Distinct().Order().ToList();
        long total = Prefix(prefix) - excluded.Sum(i => _weight[i]);
        if (total <= 0)
        {
            return null;
        }
        double pick = random.NextDouble() * total;
        // The first position whose allowed cumulative weight reaches the pick: skip the excluded weight before it.
        long skipped = 0;
        int at;
        while (true)
        {
            at = LowerBound(pick + skipped);
            long before = excluded.TakeWhile(i => i <= at).Sum(i => _weight[i]);
            if (before == skipped && !excluded.Contains(at))
            {
                break;
            }
            skipped = before;
        }
        if (at >= prefix)
        {
            // Rounding at the very end: the last allowed one.
            for (at = prefix - 1; excluded.Contains(at); at--) { }
        }
        return _ases[at];
    }

    private void Add(int index, long delta)
    {
        _weight[index] += delta;
        for (int i = index + 1; i < _tree.Length; i += i & -i)
        {
            _tree[i] += delta;
        }
    }

    /// <summary>The sum of the first <paramref name="count"/> weights.</summary>
    private long Prefix(int count)
    {
        long sum = 0;
        for (int i = count; i > 0; i -= i & -i)
        {
            sum += _tree[i];
        }
        return sum;
    }

    /// <summary>The first position whose cumulative weight (itself included) is at least <paramref name="target"/>.</summary>
    private int LowerBound(double target)
    {
        int position = 0;
        long sum = 0;
        for (int step = HighestBit(_tree.Length - 1); step > 0; step >>= 1)
        {
            int next = position + step;
            if (next < _tree.Length && sum + _tree[next] < target)
            {
                position = next;
                sum += _tree[next];
            }
        }
        return position; // 0-based index of the element at 1-based position + 1
    }

    private static int HighestBit(int n) => n == 0 ? 0 : 1 << (31 - int.LeadingZeroCount(n));
}
