using System.Globalization;
using System.Net;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Managers;

/// <summary>
/// A spoofing notice (docs/protocol.md, "Spoofing notices"): an AS whose border saw packets come in
/// from its own hosts, or from a customer or a peer, with a source address that edge may not send
/// (outside the hosts' prefixes or the neighbour's customer cone: on a valley-free path only a
/// provider may hand over any source) tells the ITM of the packets' destination AS, once per
/// destination and window. It carries the first and the last such packet seen (so the destination
/// address and the window), how many, and where they came in: from its hosts (it is their Source)
/// or from a neighbour (it is Transit, the neighbour Incoming). The victim's ITM keeps them
/// (<see cref="SpoofNoticeBoard"/>); skip-over then asks, behind an AS that runs nothing, only the
/// ASes on a notifier's route instead of every deployed AS behind it.
/// On the wire an ITMTraceResultExport: an InterASResultExport whose ITMTraceRequest names the
/// destination's ITM, starts at the notifier and holds the two packets (Option "spoof-notice"), and
/// whose ITMTraceReply holds the notifier's own AS entry.
/// </summary>
/// <param name="EnteredFrom">The neighbour AS the packets came in from; null when from the notifier's own hosts.</param>
public sealed record SpoofNotice(uint Notifier, uint? EnteredFrom, byte[] FirstPacket, long FirstNs, byte[] LastPacket, long LastNs, long Packets)
{
    internal const string NoticeOption = "spoof-notice", PacketsOption = "spoof-packets";

    /// <summary>The longest window one notice may cover: a long attack is told once per hour, so no notice covers traces for good.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    /// <summary>How much of each packet a received notice keeps: the IP header is all its destination needs.</summary>
    private const int KeptBytes = 64;

    /// <summary>The packets' destination address.</summary>
    public IPAddress Destination { get; } = DestinationOf(FirstPacket)
        ?? throw new FormatException("the first packet of a spoofing notice is no IPv4 or IPv6 packet");

    /// <summary>The notice as the ITMTraceResultExport the notifier sends to the destination AS's ITM.</summary>
    public ItmTraceResultExport ToMessage(MessageId id, uint destinationAs)
    {
        var request = new ItmTraceRequest(NeighborNode.ForItm(destinationAs), id, 1, new ItmPathList(NeighborNode.ForItm(Notifier), []),
            EvidencePackets.ToEvidence([EvidencePackets.ToFootmark(FirstPacket, FirstNs), EvidencePackets.ToFootmark(LastPacket, LastNs)],
                TimeVal.FromUnixNs(LastNs)))
        {
            Options =
            [
                new MessageOption(NoticeOption, EnteredFrom is { } from
                    ? $"packets from AS{from} with sources outside its customer cone" : "packets from our hosts with sources not ours"),
                new MessageOption(PacketsOption, Packets.ToString(CultureInfo.InvariantCulture)),
            ],
        };
        var own = new AsEntry(NodeId.ForItm(Notifier), EnteredFrom is null ? AsStatus.Source : AsStatus.Transit, 0, 100, TraceState.Found)
        {
            Incomings = EnteredFrom is { } neighbor ? [NeighborAs.Global(neighbor)] : null,
        };
        var reply = new ItmTraceReply(NeighborNode.ForItm(Notifier), id, new InterAsTraceResult(100) { Ases = [own] });
        return new ItmTraceResultExport(NeighborNode.ForItm(destinationAs), id, new InterAsResultExport(request, reply));
    }

    /// <summary>The notice an ITMTraceResultExport from <paramref name="sender"/> carries.</summary>
    /// <exception cref="FormatException">It is no spoofing notice, or not the sender's own.</exception>
    public static SpoofNotice FromMessage(uint sender, ItmTraceResultExport message)
    {
        if (message.Export is not InterAsResultExport { Request: var request, Reply: var reply })
        {
            throw new FormatException("an ITMTraceResultExport sent on its own must be a spoofing notice: an InterASResultExport");
        }
        if (request.Options.FirstOrDefault(o => o.Type == NoticeOption) is null)
        {
            throw new FormatException($"an ITMTraceResultExport sent on its own must be a spoofing notice: Option \"{NoticeOption}\" is missing");
        }
        if (request.PathList.Origin?.NodeId is not ItmNodeId { Itm.AsNumber: var origin } || origin != sender)
        {
            throw new FormatException($"a spoofing notice from AS{sender} must start at AS{sender}'s ITM");
        }
        var own = reply.Result.Ases.FirstOrDefault(e => e.NodeId == NodeId.ForItm(sender) && e.State == TraceState.Found)
            ?? throw new FormatException($"a spoofing notice from AS{sender} must hold AS{sender}'s own entry, found");
        var footmarks = EvidencePackets.Footmarks(request.Evidence);
        if (footmarks.Count is < 1 or > 2 || footmarks.Any(f => f.TimeStamp.IsUnknown)
            || footmarks.Select(EvidencePackets.Packet).ToList() is not { } packets || packets.Any(p => p?.Ip is null))
        {
            throw new FormatException("a spoofing notice must carry its first and last packet, as IP packets with their times");
        }
        long count = request.Options.FirstOrDefault(o => o.Type == PacketsOption) is { } option
            && long.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : footmarks.Count;
        long firstNs = footmarks[0].TimeStamp.ToUnixNs(), lastNs = footmarks[^1].TimeStamp.ToUnixNs();
        if (lastNs < firstNs || lastNs - firstNs > (long)MaxWindow.TotalNanoseconds)
        {
            throw new FormatException($"a spoofing notice's window must run forward and last at most {MaxWindow.TotalHours:F0} h (one notice per hour)");
        }
        uint? from = own.Status == AsStatus.Source || own.Incomings is not [var first, ..] ? null : first.AsNumber;
        var notice = new SpoofNotice(sender, from, packets[0]!.Ip![..Math.Min(KeptBytes, packets[0]!.Ip!.Length)], firstNs,
            packets[^1]!.Ip![..Math.Min(KeptBytes, packets[^1]!.Ip!.Length)], lastNs, count);
        if (!notice.Destination.Equals(DestinationOf(notice.LastPacket)))
        {
            throw new FormatException("the packets of a spoofing notice must have one destination");
        }
        return notice;
    }

    /// <summary>An IP packet's destination address; null when it is not IPv4 or IPv6 or too short.</summary>
    public static IPAddress? DestinationOf(byte[] ip) => ip switch
    {
        [var b, ..] when b >> 4 == 4 && ip.Length >= 20 => new IPAddress(ip.AsSpan(16, 4)),
        [var b, ..] when b >> 4 == 6 && ip.Length >= 40 => new IPAddress(ip.AsSpan(24, 16)),
        _ => null,
    };
}
