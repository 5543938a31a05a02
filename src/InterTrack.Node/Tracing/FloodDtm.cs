using InterTrack.Node.Managers;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Tracing;

/// <summary>
/// Where packets enter a router: the link its traceback system records for that ingress and what is on its other side —
/// another router of the domain (its name), hosts (<see cref="Hosts"/>), or a neighbour AS ("as:N").
/// </summary>
public sealed record RouterIngress(string Link, string From)
{
    public const string Hosts = "hosts";

    public bool FromHosts => From == Hosts;

    public bool FromOtherAs => From.StartsWith("as:", StringComparison.Ordinal);
}

/// <summary>A router of the domain and its ingress links.</summary>
public sealed record DomainRouter(string Name, IReadOnlyList<RouterIngress> Ingress)
{
    /// <summary>A border router: one of its ingress links faces another AS. Traces start at these.</summary>
    public bool IsBorder => Ingress.Any(i => i.FromOtherAs);
}

/// <summary>
/// The DTM of a traceback system inside one AS that observes its routers' ingress links (packet
/// digests, flow records): SPIE's reverse-path flooding over the domain's router graph. From the border routers it asks each router's ingress tables whether
/// the packet came in there; it follows every link that saw it to the router on the other side,
/// until the packet is found entering from hosts (that router is the first hop of the source) or
/// from another AS. The reply lists the routers reached (with their depth from the border) and
/// each source's first-hop router with the interface it learned the packet on, and (Options
/// "entered-from:AS") the neighbour ASes the packets came in from.
/// </summary>
/// <param name="startRouters">Where floods start: by default the border routers (a flow leaving the AS); add the
/// victim's access router to trace a flow that ends inside.</param>
public sealed class FloodDtm(uint asNumber, IReadOnlyList<DomainRouter> routers, ILinkEvidence evidence, TimeSpan tolerance,
    IReadOnlyList<string>? startRouters = null) : IDtmClient
{
    private readonly Dictionary<string, DomainRouter> _byName = routers.ToDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>What the flood looks packets up in: ask only packets it can look up (<see cref="EvidencePackets.LookUpable"/>).</summary>
    public ILinkEvidence Evidence => evidence;

    public Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken)
    {
        var (packets, cannot) = EvidencePackets.LookUpable(request.Evidence, evidence);
        var reached = new Dictionary<string, uint>(StringComparer.Ordinal);        // router → least depth
        var firstHops = new Dictionary<string, string>(StringComparer.Ordinal);    // router → host-facing link
        var enteredFrom = new SortedDictionary<uint, List<int>>();
        int traced = 0, asked = packets.Count;
        double leastCertain = 1;
        foreach (var (i, packet) in packets)
        {
            var from = new HashSet<uint>();
            traced += Flood(packet, reached, firstHops, from, ref leastCertain) ? 1 : 0;
            foreach (uint neighbor in from)
            {
                (enteredFrom.TryGetValue(neighbor, out var list) ? list : enteredFrom[neighbor] = []).Add(i);
            }
        }
        var agents = reached.OrderBy(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => new SubAgent(
            new OtherNodeId(r.Key), r.Value, firstHops.ContainsKey(r.Key) ? TraceState.Found : TraceState.Reached)
        {
            Suspected = firstHops.TryGetValue(r.Key, out var link) ? new SuspectedNode(new OtherNodeId(r.Key)) { LearnedInterface = link } : null,
        });
        var self = NeighborNode.ForItm(asNumber);
        if (asked == 0 && cannot.Count > 0)
        {
            return Task.FromResult(new DtmTraceReply(self, request.MessageId,
                new IntraAsTraceResult(0) { Error = new ErrorCode(ErrorType.UnknownError) { Message = cannot[0] } }));
        }
        var state = firstHops.Count > 0 ? TraceState.Found : TraceState.NotFound;
        var result = new IntraAsTraceResult(asked == 0 ? 0u : (uint)Math.Round(100.0 * traced / asked * leastCertain))
        {
            SubDomains = [new SubDomain(new NetworkInfo { LabelType = $"AS{asNumber} routers" })
            {
                Agent = new AgentReply(NodeId.ForItm(asNumber), state) { TsType = evidence.TsType, SubAgents = [.. agents] },
            }],
        };
        // Where the flow came into the AS, as the BTM would say it: an ITM without a border system can follow it.
        return Task.FromResult(new DtmTraceReply(self, request.MessageId, result)
        {
            Options = [.. enteredFrom.Select(e => EvidencePackets.EnteredFrom(e.Key, e.Value)), .. EvidencePackets.NotLookedUp(cannot)],
        });
    }

    /// <summary>
    /// Floods one packet back from the start routers; true when it reached a first-hop router.
    /// Neighbour ASes it was seen entering from are added to <paramref name="enteredFrom"/>;
    /// <paramref name="leastCertain"/> falls to the least certain sighting followed.
    /// </summary>
    public bool Flood(TracedPacket packet, Dictionary<string, uint> reached, Dictionary<string, string> firstHops, ISet<uint> enteredFrom,
        ref double leastCertain)
    {
        var starts = startRouters is null ? routers.Where(r => r.IsBorder) : startRouters.Select(n => _byName[n]);
        var queue = new Queue<(DomainRouter Router, uint Depth)>(starts.Select(r => (r, 0u)));
        var visited = new HashSet<string>(StringComparer.Ordinal);
        bool found = false;
        while (queue.Count > 0)
        {
            var (router, depth) = queue.Dequeue();
            if (!visited.Add(router.Name))
            {
                continue;
            }
            foreach (var ingress in router.Ingress)
            {
                var answer = evidence.Ask(ingress.Link, packet, tolerance);
                if (!answer.Seen)
                {
                    continue;
                }
                leastCertain = Math.Min(leastCertain, answer.Certainty);
                reached[router.Name] = Math.Min(reached.GetValueOrDefault(router.Name, depth), depth);
                if (ingress.FromOtherAs)
                {
                    enteredFrom.Add(uint.Parse(ingress.From.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture));
                }
                else if (ingress.FromHosts)
                {
                    firstHops.TryAdd(router.Name, ingress.Link);
                    found = true;
                }
                else if (_byName.TryGetValue(ingress.From, out var upstream))
                {
                    queue.Enqueue((upstream, depth + 1));
                }
            }
        }
        return found;
    }
}
