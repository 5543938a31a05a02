using System.Net.Sockets;
using InterTrack.Node.Tracing;
using InterTrack.Packets.Reflection;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Managers;

/// <summary>
/// Crossing an amplifier (docs/protocol.md, "Reflection"): when our border says our hosts sent the traced packets as answers to reflection
/// requests (status Amplifier, Options "requests-from:AS"), the requests are traced upstream to the AS that forged them, one request per
/// neighbour they came in from, its evidence an AppFootmark naming each distinct request by its key's hash and its IP and UDP headers.
/// </summary>
public sealed partial class Itm
{
    // As many requests per neighbour as a request may carry footmarks: the answers traced are at most that many.
    private const int MaxRequestHashes = 10_000;

    /// <summary>The request to send each neighbour the reflected answers' requests came in from, with a border answer naming all of them.</summary>
    private IEnumerable<(uint Neighbor, ItmTraceRequest Request, BorderTraceResult Border)> RequestLegs(ItmTraceRequest request, BorderTraceResult border,
        uint depth)
    {
        var footmarks = EvidencePackets.Footmarks(request.Evidence);
        foreach (var neighbor in border.Incomings ?? [])
        {
            if (ReflectionAnswer.RequestIndices(border.Options, neighbor.AsNumber) is not { } indices)
            {
                continue;
            }
            var answers = indices.Where(i => i < footmarks.Count).Select(i => EvidencePackets.Packet(footmarks[i]))
                .Select(p => (Packet: p, Key: p?.Ip is { } ip ? ReflectionKey.OfResponse(ip) : null)).Where(a => a.Key is not null).ToList();
            var keys = answers.Select(a => a.Key!).Distinct().Take(MaxRequestHashes).ToList();
            if (keys.Count == 0)
            {
                continue;
            }
            long? first = answers.Select(a => a.Packet!.TimestampNs).Min();
            var evidence = EvidencePackets.RequestEvidence([.. keys.Select(k => ((PayloadHash, PacketDump?))EvidencePackets.Request(k))], AsNumber,
                keys[0].Reflector.AddressFamily == AddressFamily.InterNetworkV6, first is { } ns ? TimeVal.FromUnixNs(ns) : TimeVal.Unknown);
            // The requests are another flow, to us: their path list starts here (with our depth), so the ASes the answers crossed
            // may carry the requests too without a loop; TTL, deadline and skip-over go on as for any request.
            var leg = new ItmTraceRequest(NeighborNode.ForItm(neighbor.AsNumber), request.MessageId, request.Ttl,
                new ItmPathList(NeighborNode.ForItm(AsNumber), []), evidence);
            yield return (neighbor.AsNumber, leg, new BorderTraceResult(AsStatus.Amplifier, border.Degree, TraceState.Found));
        }
    }
}
