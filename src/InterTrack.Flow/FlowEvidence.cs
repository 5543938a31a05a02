using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using InterTrack.Flow.Store;
using InterTrack.Node.Tracing;

namespace InterTrack.Flow;

/// <summary>
/// Flow records as link evidence for the BTM and DTM. A link is an exporter's interface in one
/// direction, "EXPORTER/IFINDEX:in" (records whose ingress interface is IFINDEX) or ":out"
/// (egress). A packet was seen there when a record of that exporter and interface has the
/// packet's flow key (<see cref="FlowKey"/>) and its flow's start–end, widened by the tolerance,
/// holds the packet's time. A record proves a flow, not a packet, so the certainty is below 1:
/// see <see cref="Certainty"/> and docs/flow.md. A reflection request is looked up by the IP and UDP headers the trace carries for it
/// (victim:port → reflector:service): a sighting is of that flow, not of the request (docs/reflection.md).
/// </summary>
public sealed class FlowEvidence(FlowStore store) : ILinkEvidence
{
    private readonly ConcurrentDictionary<string, FlowLink?> _links = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<TracedPacket, Sightings> _sightings = [];

    public string TsType => FlowKind.KindName;

    public string RequestSighting =>
        "flow records match a request by its addresses, ports and time: a sighting is of a flow from the victim's address and port to the " +
        "reflector's service near that time, not of each request";

    /// <summary>
    /// A packet needs its IP header, a reflection request the headers the trace carries beside its key's hash (ReflectionKey.RequestHeaders):
    /// a flow record keys addresses and ports, and neither hash gives them.
    /// </summary>
    public string? CannotLookUp(TracedPacket packet) => packet switch
    {
        { RequestHash: not null, RequestHeaders: null } =>
            "flow records look reflection requests up by their addresses and ports, and the request names them only by their key's hash",
        { RequestHash: null, Ip: null } =>
            $"flow evidence needs the packet itself, and the request carries only its {packet.Digest?.Encoding.ToString().ToLowerInvariant()} hash",
        _ => null,
    };

    public LinkAnswer Ask(string link, TracedPacket packet, TimeSpan tolerance)
    {
        if (_links.GetOrAdd(link, FlowLink.Parse) is not { } where)
        {
            return LinkAnswer.NothingKept; // not a flow link: nothing is kept for it
        }
        var sightings = SightingsOf(packet, tolerance);
        if (sightings.Key is null)
        {
            return LinkAnswer.NotSeen;
        }
        double best = 0;
        foreach (var record in sightings.Records)
        {
            uint interfaceIndex = where.Ingress ? record.IngressInterface : record.EgressInterface;
            if (record.Exporter == where.Exporter && interfaceIndex == where.Interface)
            {
                // A request's ToS is not known (its headers are built from its key): it does not count against the match.
                byte tos = packet.Ip is null ? record.Tos : sightings.Tos;
                best = Math.Max(best, Certainty(sightings.Key.Value, tos, record, packet.TimestampNs is not null));
            }
        }
        return best > 0 ? new LinkAnswer(true, false, best) : sightings.Covered ? LinkAnswer.NotSeen : LinkAnswer.NothingKept;
    }

    /// <summary>
    /// The packet's records, looked up once for all the links a request asks about; again once the store has taken records
    /// since, or for another tolerance: a packet asked again later (a wait for evidence, a retried trace) must not get the
    /// answer of a store that did not yet hold its flow.
    /// </summary>
    private Sightings SightingsOf(TracedPacket packet, TimeSpan tolerance)
    {
        long version = store.Version;
        if (_sightings.TryGetValue(packet, out var known) && known.Version == version && known.Tolerance == tolerance)
        {
            return known;
        }
        var fresh = Sightings.Of(packet.Ip ?? packet.RequestHeaders!, packet.TimestampNs, store, tolerance, version);
        _sightings.AddOrUpdate(packet, fresh);
        return fresh;
    }

    /// <summary>
    /// How specific a match is: 0.95 on a whole 5-tuple (TCP, UDP, SCTP, DCCP), 0.8 on addresses
    /// and protocol only (ICMP: with type and code; others); × 0.9 when the record's ToS differs
    /// from the packet's (networks rewrite DSCP, so it does not rule the match out); × 0.8 when
    /// the packet has no time (any flow of that key, ever, matches).
    /// </summary>
    public static double Certainty(FlowKey key, byte tos, in FlowRecord record, bool timed) =>
        (key.HasPorts ? 0.95 : 0.8) * (record.Tos == tos ? 1 : 0.9) * (timed ? 1 : 0.8);

    /// <summary>A flow link's parts: exporter, interface index, and whether it is the ingress.</summary>
    private sealed record FlowLink(UInt128 Exporter, uint Interface, bool Ingress)
    {
        public static FlowLink? Parse(string link)
        {
            bool ingress = link.EndsWith(":in", StringComparison.Ordinal);
            if (!ingress && !link.EndsWith(":out", StringComparison.Ordinal))
            {
                return null;
            }
            var body = link[..link.LastIndexOf(':')];
            int slash = body.LastIndexOf('/');
            return slash > 0 && IPAddress.TryParse(body.AsSpan(0, slash).Trim("[]"), out var exporter)
                && uint.TryParse(body.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out uint index)
                ? new FlowLink(FlowRecord.Address(exporter), index, ingress) : null;
        }
    }

    /// <summary>A packet's key and the stored records of its flow near its time, as of a version of the store.</summary>
    private sealed class Sightings
    {
        public FlowKey? Key { get; private init; }
        public byte Tos { get; private init; }
        public List<FlowRecord> Records { get; private init; } = [];
        public bool Covered { get; private init; }
        public long Version { get; private init; } = -1;
        public TimeSpan Tolerance { get; private init; }

        public static Sightings Of(byte[] ip, long? timestampNs, FlowStore store, TimeSpan tolerance, long version)
        {
            if (FlowKey.OfPacket(ip) is not { } parsed)
            {
                return new Sightings { Version = version, Tolerance = tolerance };
            }
            long? atMs = timestampNs / 1_000_000;
            return new Sightings
            {
                Key = parsed.Key,
                Tos = parsed.Tos,
                Records = store.Find(parsed.Key, atMs, tolerance),
                Covered = store.Covers(atMs, tolerance),
                Version = version,
                Tolerance = tolerance,
            };
        }
    }
}
