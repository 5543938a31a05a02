using InterTrack.Node.Managers;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Marking;

/// <summary>
/// The BTM and DTM of a DPM domain: the ingress interfaces the victim's packets name. Marks name
/// only where packets entered, so both answer from the same reconstruction: entered from a
/// neighbour AS (its border interface) — Transit, ask that AS; entered from hosts — the source is
/// inside, at that access router. Degree: the share of IPv4 packets one of the named interfaces
/// marked. Nothing named — the flow never crossed us, or a marking domain nearer the victim
/// overwrote every mark of ours — is "not found": marks cannot tell the two apart.
/// </summary>
internal sealed class DpmSystem(uint asNumber, IReadOnlyList<DpmInterface> interfaces) : IMarkingSystem
{
    public const string TsType = MarkingKind.KindName;

    public Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
    {
        var ingress = DpmIngress.Of(EvidencePackets.Packets(request.Evidence), interfaces);
        var fromAses = FromAses(ingress);
        bool inside = ingress.Named.Keys.Any(f => f.From == RouterIngress.Hosts);
        var status = inside ? AsStatus.Source : fromAses.Count > 0 ? AsStatus.Transit : AsStatus.NotFound;
        var result = new BorderTraceResult(status, Degree(ingress), status == AsStatus.NotFound ? TraceState.NotFound : TraceState.Found)
        {
            TsType = TsType,
            Incomings = [.. fromAses.Keys.Select(NeighborAs.Global)],
            Outgoings = [],
            AskDtm = inside,
            Options = [.. fromAses.Select(e => EvidencePackets.EnteredFrom(e.Key, e.Value))],
        };
        return Task.FromResult(new BtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId, result));
    }

    public Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken)
    {
        var ingress = DpmIngress.Of(EvidencePackets.Packets(request.Evidence), interfaces);
        var firstHops = ingress.Named.Keys.Where(f => f.From == RouterIngress.Hosts).ToList();
        var agents = ingress.Named.Keys.Select(f => new SubAgent(new OtherNodeId(f.Router), 0,
            f.From == RouterIngress.Hosts ? TraceState.Found : TraceState.Reached)
        {
            Suspected = f.From == RouterIngress.Hosts ? new SuspectedNode(new OtherNodeId(f.Router)) { LearnedInterface = f.Link } : null,
        });
        var result = new IntraAsTraceResult(Degree(ingress))
        {
            SubDomains = [new SubDomain(new NetworkInfo { LabelType = $"AS{asNumber} ingress interfaces" })
            {
                Agent = new AgentReply(NodeId.ForItm(asNumber), firstHops.Count > 0 ? TraceState.Found : TraceState.NotFound) { TsType = TsType,
                    SubAgents = [.. agents] },
            }],
        };
        return Task.FromResult(new DtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId, result)
        {
            Options = [.. FromAses(ingress).Select(e => EvidencePackets.EnteredFrom(e.Key, e.Value))],
        });
    }

    private static SortedDictionary<uint, List<int>> FromAses(DpmIngress ingress)
    {
        var from = new SortedDictionary<uint, List<int>>();
        foreach (var (face, packets) in ingress.Named.Where(n => n.Key.From.StartsWith("as:", StringComparison.Ordinal)))
        {
            uint neighbor = uint.Parse(face.From.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture);
            (from.TryGetValue(neighbor, out var list) ? list : from[neighbor] = []).AddRange(packets);
        }
        return from;
    }

    private static uint Degree(DpmIngress ingress) => ingress.Asked == 0 ? 0 : (uint)Math.Round(100.0 * ingress.Attributed / ingress.Asked);
}

/// <summary>A marking domain's traceback system: its BTM and DTM answer from the same marks.</summary>
internal interface IMarkingSystem : IBtmClient, IDtmClient;
