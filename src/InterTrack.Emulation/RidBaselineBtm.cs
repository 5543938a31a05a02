using InterTrack.Emulation;
using InterTrack.Node.Managers;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Emulation;

/// <summary>
/// The RID-style baseline: an AS learns where a flow came from by running its intra-domain trace
/// (reverse-path flooding from where the flow was seen leaving toward the victim), not by asking
/// a border system. Plugged into an ITM as its "BTM", every AS on the path thus pays a full
/// domain trace; the ITM machinery (fan-out, loop cuts, deadlines, messages) stays the same, so
/// costs compare like for like.
/// </summary>
internal sealed class RidBaselineBtm(uint asNumber, FloodDtm domain, Action onDomainTrace) : IBtmClient
{
    public Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
    {
        onDomainTrace();
        var (packets, _) = EvidencePackets.LookUpable(request.Evidence, domain.Evidence);
        var enteredFrom = new Dictionary<uint, List<int>>();
        bool originated = false;
        double leastCertain = 1;
        int seen = 0;
        foreach (var (i, packet) in packets)
        {
            var from = new HashSet<uint>();
            bool started = domain.Flood(packet, [], [], from, ref leastCertain);
            originated |= started;
            seen += started || from.Count > 0 ? 1 : 0;
            foreach (uint neighbor in from)
            {
                (enteredFrom.TryGetValue(neighbor, out var list) ? list : enteredFrom[neighbor] = []).Add(i);
            }
        }
        var status = originated ? AsStatus.Source : enteredFrom.Count > 0 ? AsStatus.Transit : AsStatus.NotFound;
        // The share of the packets seen, as a border system's degree says: skip-over stops asking once the degrees account for every packet.
        uint degree = packets.Count == 0 ? 0 : (uint)Math.Round(100.0 * seen / packets.Count * leastCertain);
        var result = new BorderTraceResult(status, degree, status == AsStatus.NotFound ? TraceState.NotFound : TraceState.Found)
        {
            TsType = "rid",
            Incomings = [.. enteredFrom.Keys.Order().Select(NeighborAs.Global)],
            Options = [.. enteredFrom.OrderBy(e => e.Key).Select(e => EvidencePackets.EnteredFrom(e.Key, e.Value))],
        };
        return Task.FromResult(new BtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId, result));
    }
}
