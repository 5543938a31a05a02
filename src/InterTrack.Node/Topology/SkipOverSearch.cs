namespace InterTrack.Node.Topology;

/// <summary>
/// Who could have handed a flow to an AS that runs no InterTrack (a gap), found on the public AS
/// graph. The flow went gap → <c>next</c> (the AS that saw it come in from the gap); an AS p could
/// have sent it to the gap only on a valley-free path: if the gap's link toward <c>next</c> goes up
/// (to a provider) or across (to a peer), p must be a customer of the gap; if it goes down, any
/// neighbour could have. The search walks upstream through ASes that run nothing; the first
/// deployed ASes it meets on each branch are the <see cref="Targets"/> to ask directly (each with
/// the chain of gaps between it and the gap), and everything that runs nothing on the way is the
/// <see cref="Cone"/>: where the flow may have started if no target saw it. With the ASes' inferred
/// best routes to the victim (<c>routes</c>), only the ASes whose route crosses the gap are
/// targets and candidates — a flow to the victim from elsewhere would not cross it; the deployed
/// ASes whose route does not are kept apart (<see cref="OffRoute"/>). The targets are then ranked by
/// likelihood: the more ASes route to the victim through a target (its <c>catchment</c>), the
/// likelier a flow crossed it; then nearest first. The candidates are ranked nearest to the gap
/// first, then by catchment. On the real Internet the inferred routes are a guess (Gao–Rexford on
/// the public graph); in the emulator they are the routes the packets took.
/// </summary>
internal sealed class SkipOverSearch
{
    private enum Link { Up, Peer, Down }

    private readonly Dictionary<uint, (uint Toward, int Level)> _reached = [];

    /// <param name="excluded">ASes already on the trace's path: never candidates.</param>
    /// <param name="maxCone">The search stops after this many ASes: a tier-1's cone can be most of the Internet.</param>
    public SkipOverSearch(AsGraph graph, Func<uint, bool> deployed, uint gap, uint next, IReadOnlySet<uint> excluded,
        IReadOnlyDictionary<uint, AsRoute>? routes = null, IReadOnlyDictionary<uint, int>? catchment = null, int maxCone = 100_000)
    {
        OffRoute = [];
        var targets = new List<uint>();
        var cone = new List<uint> { gap };
        if (!graph.Contains(gap) || !graph.Contains(next))
        {
            (Targets, Cone) = (targets, cone);
            return;
        }
        _reached[gap] = (next, 0);
        // How each AS running nothing was entered: after a link down any neighbour may have sent it the flow, after one up or across
        // only its customers. An AS first reached up or across and later down is searched again, down: else whoever could have sent
        // it the flow only down that way (its peers and providers, and the deployed ASes behind them) would be missed.
        var entered = new Dictionary<uint, Link> { [gap] = Relation(graph, gap, next) };
        var queue = new Queue<(uint As, Link Out)>([(gap, entered[gap])]);
        while (queue.Count > 0 && _reached.Count < maxCone)
        {
            var (at, outward) = queue.Dequeue();
            if (entered[at] != outward)
            {
                continue; // searched again, down
            }
            int level = _reached[at].Level + 1;
            foreach (var (from, link) in Upstream(graph, at, outward))
            {
                if (excluded.Contains(from))
                {
                    continue;
                }
                if (_reached.TryAdd(from, (at, level)))
                {
                    if (deployed(from))
                    {
                        targets.Add(from); // it continues the trace itself, if it saw the flow
                        continue;
                    }
                    cone.Add(from);
                    entered[from] = link;
                    queue.Enqueue((from, link));
                }
                else if (link == Link.Down && entered.TryGetValue(from, out var before) && before != Link.Down)
                {
                    entered[from] = Link.Down;
                    _reached[from] = (at, level);
                    queue.Enqueue((from, Link.Down));
                }
            }
        }
        if (routes is not null)
        {
            bool Crosses(uint a) => Crossing(routes, a, gap);
            int Weight(uint a) => catchment?.GetValueOrDefault(a, 1) ?? 1;
            OffRoute = [.. targets.Where(t => !Crosses(t))];
            // OrderBy is stable: the search's order (nearest first, then AS number as the graph lists them) breaks the last ties.
            targets = [.. targets.Where(Crosses).OrderByDescending(Weight).ThenBy(Level)];
            cone = [gap, .. cone.Skip(1).Where(Crosses).OrderBy(Level).ThenByDescending(Weight)];
        }
        (Targets, Cone, _routes) = (targets, cone, routes);
    }

    private readonly IReadOnlyDictionary<uint, AsRoute>? _routes;

    /// <summary>
    /// The targets through which the flows of <paramref name="notifiers"/> entered the gap, in <see cref="Targets"/> order: a notifier
    /// that is a target, or the target nearest the gap on a notifier's inferred route to the victim (the flow then crossed it too).
    /// </summary>
    public IReadOnlyList<uint> Through(IReadOnlySet<uint> notifiers)
    {
        var targets = Targets.ToHashSet();
        var through = new HashSet<uint>();
        foreach (uint notifier in notifiers)
        {
            if (targets.Contains(notifier))
            {
                through.Add(notifier);
                continue;
            }
            uint? last = null;
            uint at = notifier;
            for (int hops = 0; _routes is not null && _routes.TryGetValue(at, out var route) && route.Kind != RouteKind.Destination && hops < 64; hops++)
            {
                at = route.NextHop;
                if (at == Cone[0])
                {
                    if (last is { } target) through.Add(target);
                    break;
                }
                last = targets.Contains(at) ? at : last;
            }
        }
        return [.. Targets.Where(through.Contains)];
    }

    /// <summary>Whether an AS's best route to the destination passes through the gap (no route: assumed possible).</summary>
    private static bool Crossing(IReadOnlyDictionary<uint, AsRoute> routes, uint from, uint gap)
    {
        for (int hops = 0; routes.TryGetValue(from, out var route) && hops < 64; hops++)
        {
            if (from == gap) return true;
            if (route.Kind == RouteKind.Destination) return false;
            from = route.NextHop;
        }
        return !routes.ContainsKey(from);
    }

    /// <summary>Deployed ASes that could have sent the flow into the gaps, likeliest first (without routes: nearest first).</summary>
    public IReadOnlyList<uint> Targets { get; }

    /// <summary>Deployed ASes a valley-free path allows but whose inferred route to the victim does not cross the gap, nearest first.</summary>
    public IReadOnlyList<uint> OffRoute { get; }

    /// <summary>The gap and the ASes running nothing behind it, nearest first: the candidate origins if no target saw the flow.</summary>
    public IReadOnlyList<uint> Cone { get; }

    /// <summary>How many ASes lie between a reached AS and the one that saw the flow: 1 for the gap's own neighbours.</summary>
    public int Level(uint asNumber) => _reached[asNumber].Level;

    /// <summary>The gaps a flow from a target crossed, from the target's downstream neighbour to the gap: one valley-free chain.</summary>
    public IReadOnlyList<uint> Chain(uint target)
    {
        var chain = new List<uint>();
        for (uint at = _reached[target].Toward; ; at = _reached[at].Toward)
        {
            chain.Add(at);
            if (_reached[at].Level == 0)
            {
                return chain;
            }
        }
    }

    /// <summary>The kind of link from a to b as a flow crosses it: up to a provider, across to a peer, down to a customer.</summary>
    private static Link Relation(AsGraph graph, uint a, uint b) =>
        graph.Providers(a).Contains(b) ? Link.Up : graph.Peers(a).Contains(b) ? Link.Peer : Link.Down;

    /// <summary>The neighbours that could have sent the flow to <paramref name="at"/>, with the kind of their link to it, valley-free.</summary>
    private static IEnumerable<(uint From, Link Link)> Upstream(AsGraph graph, uint at, Link outward)
    {
        foreach (uint customer in graph.Customers(at))
        {
            yield return (customer, Link.Up);
        }
        if (outward != Link.Down)
        {
            yield break; // after an uphill or peer link, only an uphill one can come before it
        }
        foreach (uint peer in graph.Peers(at))
        {
            yield return (peer, Link.Peer);
        }
        foreach (uint provider in graph.Providers(at))
        {
            yield return (provider, Link.Down);
        }
    }
}
