namespace InterTrack.Node.Client;

/// <summary>
/// Who is under whom in an attack tree, from the ASes' incoming neighbours. Depths do not line up hop by hop: skip-over reaches
/// an AS both from a neighbour and through a chain of gaps, at two depths, and the trace keeps one entry per AS (its shallowest
/// found one) while an AS behind it may have answered only the deeper request (the other was a duplicate). So an AS goes under
/// the nearest AS above it by depth that named it, not only one exactly one hop nearer the victim.
/// </summary>
internal sealed class AttackTreeLinks
{
    private readonly Dictionary<uint, uint> _parent = [];
    private readonly Dictionary<uint, HashSet<uint>> _incomings;

    /// <param name="ases">One entry or more per AS: an AS's incomings are those of all its entries, its depth the least.</param>
    public AttackTreeLinks(IReadOnlyList<AsView> ases)
    {
        var depth = ases.GroupBy(a => a.As).ToDictionary(g => g.Key, g => g.Min(a => a.Depth));
        _incomings = ases.GroupBy(a => a.As).ToDictionary(g => g.Key, g => g.SelectMany(a => a.Incomings).Where(depth.ContainsKey).ToHashSet());
        var answered = ases.Where(a => a.Skipped is null).Select(a => a.As).ToHashSet();
        var namedBy = _incomings.SelectMany(p => p.Value.Where(up => up != p.Key).Select(up => (Up: up, By: p.Key)))
            .ToLookup(n => n.Up, n => n.By);
        var children = depth.Keys.Where(a => depth[a] > 0 && namedBy.Contains(a)).OrderBy(a => depth[a]).ThenBy(a => a).ToList();
        foreach (uint child in children)
        {
            // Above it: the deepest first (nearest the AS); at one depth, an AS that answered before a gap crossed by skip-over (evidence
            // before the AS graph's inference). Depth falls along every such link, so these never make a cycle.
            var above = namedBy[child].Where(p => depth[p] < depth[child]).OrderByDescending(p => depth[p])
                .ThenByDescending(answered.Contains).ThenBy(p => p).ToList();
            if (above.Count > 0)
            {
                _parent[child] = above[0];
            }
        }
        foreach (uint child in children.Where(c => !_parent.ContainsKey(c)))
        {
            // Named only at its depth or deeper: under the shallowest that does not close a cycle.
            foreach (uint p in namedBy[child].OrderBy(p => depth[p]).ThenBy(p => p))
            {
                if (!IsAncestor(child, p))
                {
                    _parent[child] = p;
                    break;
                }
            }
        }
    }

    /// <summary>The AS a given AS is drawn under; false for a root.</summary>
    public bool TryGetParent(uint asNumber, out uint parent) => _parent.TryGetValue(asNumber, out parent);

    /// <summary>The ASes <paramref name="asNumber"/> named as incoming that are drawn under another AS (not above it): other routes to them.</summary>
    public IEnumerable<(uint As, uint DrawnUnder)> DrawnElsewhere(uint asNumber) =>
        _incomings.TryGetValue(asNumber, out var incomings)
            ? incomings.Where(up => _parent.TryGetValue(up, out uint p) && p != asNumber && !IsAncestor(up, asNumber)).Order().Select(up => (up, _parent[up]))
            : [];

    /// <summary>The path from the root down to the AS, via the parents.</summary>
    public IReadOnlyList<uint> PathTo(uint asNumber)
    {
        var path = new List<uint> { asNumber };
        while (_parent.TryGetValue(path[^1], out uint next))
        {
            path.Add(next);
        }
        path.Reverse();
        return path;
    }

    private bool IsAncestor(uint ancestor, uint of)
    {
        for (uint at = of; _parent.TryGetValue(at, out uint up); at = up)
        {
            if (up == ancestor)
            {
                return true;
            }
        }
        return ancestor == of;
    }
}
