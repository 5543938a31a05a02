using System.Buffers.Binary;
using InterTrack.Node.Managers;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Marking;

/// <summary>A router of a domain that marks by edge sampling: its name, its address (its value in the marks), and where its packets come from.</summary>
internal sealed record PpmRouter(string Name, uint Address, IReadOnlyList<string> From);

/// <summary>
/// The BTM and DTM of a domain whose routers mark by edge sampling: from the identification fields
/// of the packets the victim received it rebuilds the chain of marking routers
/// (<see cref="EdgeSampling.Reconstruct"/>), finds its own routers in it, and takes the farthest of
/// them on each branch as where the flow entered: a border router (from its neighbour AS) or the
/// access router (from hosts: the source is inside); a path inside the AS has at least two
/// marking routers (entry and exit). Marking routers of other domains nearer the
/// victim are part of the chain too; theirs come first. Degree: 100 when an entry was found,
/// else the share of its routers rebuilt (0 when none: the flow did not cross us, or too few
/// packets arrived for the distance).
/// </summary>
internal sealed class PpmSystem(uint asNumber, IReadOnlyList<PpmRouter> routers) : IMarkingSystem
{
    public Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
    {
        var (entries, rebuilt) = Entries(EvidencePackets.Packets(request.Evidence));
        var fromAses = entries.SelectMany(e => e.From).Where(f => f.StartsWith("as:", StringComparison.Ordinal))
            .Select(f => uint.Parse(f.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        bool inside = entries.Any(e => e.From.Contains(RouterIngress.Hosts));
        var status = inside ? AsStatus.Source : fromAses.Count > 0 ? AsStatus.Transit : AsStatus.NotFound;
        var result = new BorderTraceResult(status, Degree(entries, rebuilt), status == AsStatus.NotFound ? TraceState.NotFound : TraceState.Found)
        {
            TsType = DpmSystem.TsType,
            Incomings = [.. fromAses.Select(NeighborAs.Global)],
            Outgoings = [],
            AskDtm = inside,
        };
        return Task.FromResult(new BtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId, result));
    }

    public Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken)
    {
        var (entries, rebuilt) = Entries(EvidencePackets.Packets(request.Evidence));
        var agents = rebuilt.Select(r => new SubAgent(new OtherNodeId(r.Name), 0,
            entries.Contains(r) && r.From.Contains(RouterIngress.Hosts) ? TraceState.Found : TraceState.Reached)
        {
            Suspected = entries.Contains(r) && r.From.Contains(RouterIngress.Hosts)
                ? new SuspectedNode(new OtherNodeId(r.Name)) { LearnedInterface = $"{r.Name}<-{RouterIngress.Hosts}" } : null,
        }).ToList();
        var result = new IntraAsTraceResult(Degree(entries, rebuilt))
        {
            SubDomains = [new SubDomain(new NetworkInfo { LabelType = $"AS{asNumber} marking routers" })
            {
                Agent = new AgentReply(NodeId.ForItm(asNumber), agents.Any(a => a.State == TraceState.Found) ? TraceState.Found : TraceState.NotFound)
                {
                    TsType = DpmSystem.TsType, SubAgents = [.. agents],
                },
            }],
        };
        return Task.FromResult(new DtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId, result));
    }

    /// <summary>Our routers the marks name, and among them the entries: those after which (farther from the victim) the chain holds none of ours.</summary>
    private (List<PpmRouter> Entries, List<PpmRouter> Rebuilt) Entries(IReadOnlyList<TracedPacket?> packets)
    {
        var ids = packets.Where(p => p?.Ip is { Length: >= 20 } ip && ip[0] >> 4 == 4).Select(p => BinaryPrimitives.ReadUInt16BigEndian(p!.Ip.AsSpan(4)));
        var chain = EdgeSampling.Reconstruct(ids);
        var byAddress = routers.ToDictionary(r => r.Address);
        var rebuilt = new List<PpmRouter>();
        var entries = new List<PpmRouter>();
        int nearest = -1;
        for (int d = 0; d < chain.Count; d++)
        {
            var ours = chain[d].Where(byAddress.ContainsKey).Select(a => byAddress[a]).ToList();
            if (ours.Count == 0)
            {
                continue;
            }
            nearest = nearest < 0 ? d : nearest;
            rebuilt.AddRange(ours.Where(r => !rebuilt.Contains(r)));
            bool oursFarther = d + 1 < chain.Count && chain[d + 1].Any(byAddress.ContainsKey);
            // The entry is the farthest of ours, never the nearest (where packets leave towards the
            // victim: a chain cut short there would name the wrong neighbour), and a border or
            // access router: the core only passes packets on.
            entries.AddRange(ours.Where(r => d > nearest && !oursFarther
                && r.From.Any(f => f == RouterIngress.Hosts || f.StartsWith("as:", StringComparison.Ordinal)) && !entries.Contains(r)));
        }
        return (entries, rebuilt);
    }

    private uint Degree(List<PpmRouter> entries, List<PpmRouter> rebuilt) =>
        entries.Count > 0 ? 100u : (uint)Math.Round(100.0 * rebuilt.Count / Math.Max(1, routers.Count));
}
