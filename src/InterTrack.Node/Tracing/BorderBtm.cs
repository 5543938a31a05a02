using InterTrack.Node.Managers;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Tracing;

/// <summary>
/// The BTM of a border traceback system, whatever it keeps (digests, flow records): classifies the
/// request's packets from what the border links observed and answers with the AS status, the
/// neighbour ASes on each side, whether to ask the DTMs, and which footmarks entered from which
/// neighbour (Options "entered-from:AS"). When our hosts sent the packets as a reflector's answers, the AS is an
/// Amplifier and the answer says where their requests came in from (<see cref="ReflectionAnswer"/>).
/// </summary>
public sealed class BorderBtm(uint asNumber, IReadOnlyList<BorderLink> links, ILinkEvidence evidence, TimeSpan tolerance) : IBtmClient
{
    public Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
    {
        var (askable, cannot) = EvidencePackets.LookUpable(request.Evidence, evidence);
        var packets = askable.Select(p => p.Packet).ToList();
        var self = NeighborNode.ForItm(asNumber);
        if (packets.Count == 0 && cannot.Count > 0)
        {
            return Task.FromResult(new BtmTraceReply(self, request.MessageId, new BorderTraceResult(AsStatus.Unknown, 0, TraceState.Error)
            {
                TsType = evidence.TsType,
                Error = new ErrorCode(ErrorType.UnknownError) { Message = cannot[0] },
            }));
        }
        var verdict = new BorderClassifier(links, evidence, tolerance).Classify(packets);
        var status = verdict.Case switch
        {
            BorderCase.Outgoing or BorderCase.IncomingOutgoing => AsStatus.Source,
            BorderCase.Transit => AsStatus.Transit,
            BorderCase.Incoming => AsStatus.Destination,
            BorderCase.Amplifier => AsStatus.Amplifier,
            _ => AsStatus.NotFound,
        };
        var reflection = verdict.Case == BorderCase.Amplifier ? ReflectionAnswer.Of(asNumber, verdict, askable) : null;
        bool requestsSighted = reflection?.Neighbors.Count > 0 || (verdict.Case != BorderCase.None && askable.Any(p => p.Packet.RequestHash is not null));
        var entered = verdict.IncomingAses.Select(neighbor => EvidencePackets.EnteredFrom(neighbor,
            Enumerable.Range(0, packets.Count).Where(i => verdict.EnteredFrom[i].Contains(neighbor)).Select(i => askable[i].Index)));
        var result = new BorderTraceResult(status, (uint)verdict.Confidence, verdict.Case == BorderCase.None ? TraceState.NotFound : TraceState.Found)
        {
            TsType = evidence.TsType,
            Incomings = [.. verdict.IncomingAses.Union(reflection?.Neighbors ?? []).Order().Select(NeighborAs.Global)],
            Outgoings = [.. verdict.OutgoingAses.Select(NeighborAs.Global)],
            AskDtm = verdict.Case is BorderCase.Outgoing or BorderCase.IncomingOutgoing || (evidence.SightsAggregate && verdict.Case == BorderCase.Transit),
            Translations = reflection?.Evidence ?? [],
            Options = [.. entered, .. reflection?.Options ?? [], .. ReflectionAnswer.Sighting(evidence, requestsSighted),
                .. EvidencePackets.NotLookedUp(cannot)],
        };
        return Task.FromResult(new BtmTraceReply(self, request.MessageId, result));
    }
}
