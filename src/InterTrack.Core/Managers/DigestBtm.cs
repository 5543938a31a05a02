using InterTrack.Border;
using InterTrack.Digest;
using InterTrack.Protocol.Model;

namespace InterTrack.Managers;

/// <summary>
/// The BTM of a digest-based BTS: classifies the request's packets with the border agent's
/// tables and answers with the AS status, the neighbour ASes on each side, whether to ask the
/// DTMs, and which footmarks entered from which neighbour.
/// </summary>
public sealed class DigestBtm(uint asNumber, IReadOnlyList<BorderLink> links, IDigestSource digests, TimeSpan tolerance) : IBtmClient
{
    public Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
    {
        var footmarks = EvidencePackets.Footmarks(request.Evidence);
        var packets = new List<BorderPacket>();
        var indexOf = new List<int>();
        for (int i = 0; i < footmarks.Count; i++)
        {
            if (EvidencePackets.Invariant(footmarks[i]) is { } p)
            {
                packets.Add(new BorderPacket(p.Invariant, p.TimestampNs));
                indexOf.Add(i);
            }
        }
        var verdict = new BorderClassifier(links, digests, tolerance).Classify(packets);
        var status = verdict.Case switch
        {
            BorderCase.Outgoing or BorderCase.IncomingOutgoing => AsStatus.Source,
            BorderCase.Transit => AsStatus.Transit,
            BorderCase.Incoming => AsStatus.Destination,
            _ => AsStatus.NotFound,
        };
        var entered = verdict.IncomingAses.Select(neighbor => EvidencePackets.EnteredFrom(neighbor,
            Enumerable.Range(0, packets.Count).Where(i => verdict.EnteredFrom[i].Contains(neighbor)).Select(i => indexOf[i])));
        var result = new BorderTraceResult(status, (uint)verdict.Confidence, verdict.Case == BorderCase.None ? TraceState.NotFound : TraceState.Found)
        {
            TsType = "digest",
            Incomings = [.. verdict.IncomingAses.Select(NeighborAs.Global)],
            Outgoings = [.. verdict.OutgoingAses.Select(NeighborAs.Global)],
            AskDtm = verdict.Case is BorderCase.Outgoing or BorderCase.IncomingOutgoing,
            Options = [.. entered],
        };
        return Task.FromResult(new BtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId, result));
    }
}
