namespace InterTrack.Node.Topology;

/// <summary>How an AS learned its route: from a customer, a peer or a provider (or it is the destination).</summary>
public enum RouteKind
{
    Destination,
    Customer,
    Peer,
    Provider,
}

/// <summary>One AS's best route toward the destination: the next AS on it, its length and kind.</summary>
public readonly record struct AsRoute(uint NextHop, int Length, RouteKind Kind);

/// <summary>
/// Best valley-free (Gao–Rexford) routes from every AS to one destination AS: a route learned from
/// a customer is exported to everyone, one learned from a peer or provider only to customers.
/// Preference: customer > peer > provider, then the shortest AS path, then the lowest neighbour
/// AS number. Computed in three sweeps — up the provider edges, across one peering, down the
/// customer edges — each in order of path length.
/// </summary>
public static class ValleyFreeRouting
{
    public static IReadOnlyDictionary<uint, AsRoute> RoutesTo(AsGraph graph, uint destination)
    {
        var routes = new Dictionary<uint, AsRoute> { [destination] = new(0, 0, RouteKind.Destination) };

        // 1. Customer routes climb provider edges, level by level; the lowest customer wins ties.
        var level = new List<uint> { destination };
        for (int length = 1; level.Count > 0; length++)
        {
            var next = new SortedDictionary<uint, uint>();
            foreach (uint customer in level.Order())
            {
                foreach (uint provider in graph.Providers(customer))
                {
                    if (!routes.ContainsKey(provider) && !next.ContainsKey(provider))
                    {
                        next[provider] = customer;
                    }
                }
            }
            foreach (var (provider, customer) in next)
            {
                routes[provider] = new AsRoute(customer, length, RouteKind.Customer);
            }
            level = [.. next.Keys];
        }

        // 2. Peer routes: one hop across a peering from an AS with its own or a customer route.
        var peerRoutes = new Dictionary<uint, AsRoute>();
        foreach (var (exporter, route) in routes)
        {
            foreach (uint peer in graph.Peers(exporter))
            {
                if (routes.ContainsKey(peer))
                {
                    continue;
                }
                var candidate = new AsRoute(exporter, route.Length + 1, RouteKind.Peer);
                if (!peerRoutes.TryGetValue(peer, out var best) || (candidate.Length, candidate.NextHop).CompareTo((best.Length, best.NextHop)) < 0)
                {
                    peerRoutes[peer] = candidate;
                }
            }
        }
        foreach (var (asNumber, route) in peerRoutes)
        {
            routes[asNumber] = route;
        }

        // 3. Provider routes descend customer edges, shortest first, the lowest provider winning ties.
        var queue = new PriorityQueue<uint, (int Length, uint As)>();
        foreach (var (asNumber, route) in routes)
        {
            queue.Enqueue(asNumber, (route.Length, asNumber));
        }
        while (queue.TryDequeue(out uint provider, out var key))
        {
            foreach (uint customer in graph.Customers(provider))
            {
                if (!routes.ContainsKey(customer))
                {
                    routes[customer] = new AsRoute(provider, key.Length + 1, RouteKind.Provider);
                    queue.Enqueue(customer, (key.Length + 1, customer));
                }
            }
        }
        return routes;
    }

    /// <summary>Per AS, how many ASes' best routes to the destination pass through it (itself included): its catchment.</summary>
    public static IReadOnlyDictionary<uint, int> Catchment(IReadOnlyDictionary<uint, AsRoute> routes)
    {
        var size = routes.Keys.ToDictionary(a => a, _ => 1);
        // An AS's next hop is one hop nearer: adding the farthest first gives each AS its whole subtree before it passes it on.
        foreach (var (asNumber, route) in routes.OrderByDescending(r => r.Value.Length))
        {
            if (route.Kind != RouteKind.Destination && size.ContainsKey(route.NextHop))
            {
                size[route.NextHop] += size[asNumber];
            }
        }
        return size;
    }

    /// <summary>The AS path from <paramref name="source"/> to the destination (both included); empty when it has no route.</summary>
    public static IReadOnlyList<uint> Path(IReadOnlyDictionary<uint, AsRoute> routes, uint source)
    {
        var path = new List<uint>();
        uint at = source;
        while (routes.TryGetValue(at, out var route) && path.Count <= routes.Count)
        {
            path.Add(at);
            if (route.Kind == RouteKind.Destination)
            {
                return path;
            }
            at = route.NextHop;
        }
        return [];
    }
}
