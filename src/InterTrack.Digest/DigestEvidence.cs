using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Digest;

/// <summary>
/// Packet digests as link evidence for the BTM and DTM: a packet was seen on a link when its key
/// is in a page of that link's table near its time; the certainty of a sighting is 1 − the page's
/// estimated false-positive rate. A packet known only by the historic client's MD5 can be looked
/// up in packter-md5 pages alone. Reflection requests (an AppFootmark's hashes) are looked up in the requests the links
/// kept, where the system keeps them (<see cref="ReflectionRequests"/>: the emulation's model).
/// </summary>
internal sealed class DigestEvidence(IDigestSource digests, ReflectionRequests? requests = null) : ILinkEvidence
{
    public string TsType => DigestKind.KindName;

    public string? CannotLookUp(TracedPacket packet)
    {
        if (packet.RequestHash is not null)
        {
            return requests is null ? "this digest system keeps no reflection requests: its capture agent's pages hold packet digests only" : null;
        }
        if (packet.Ip is not null)
        {
            return null;
        }
        if (packet.Digest?.Encoding != DumpEncoding.Md5)
        {
            return "digest systems look packets up by the packet or by its packter MD5, and the request carries another hash of it";
        }
        var schemes = digests.Schemes;
        if (schemes.Contains(DigestScheme.PackterMd5))
        {
            return null;
        }
        var kept = schemes.Count == 0 ? "no pages yet" : $"pages keyed by {string.Join(", ", schemes.Select(s => s.Name()))}";
        return $"this digest system keeps {kept}: a packet sent only as its packter MD5 can be looked up only in packter-md5 pages";
    }

    public LinkAnswer Ask(string link, TracedPacket packet, TimeSpan tolerance)
    {
        if (packet.RequestHash is { } request)
        {
            return requests?.Ask(link, request, packet.TimestampNs, tolerance) ?? LinkAnswer.NothingKept;
        }
        var keys = packet.Key(Keys);
        if (keys is null)
        {
            return LinkAnswer.NotSeen; // no whole IP header: no router digested such a packet
        }
        var answer = digests.Ask(link, keys, packet.TimestampNs, tolerance);
        return answer.Seen ? new LinkAnswer(true, false, 1 - answer.Matches.Max(m => m.FalsePositiveRate)) : new LinkAnswer(false, answer.Expired, 1);
    }

    private static DigestKeys? Keys(TracedPacket packet) => packet.Ip is { } ip
        ? DigestKeys.OfPacket(ip) is var keys && keys.For(DigestScheme.Xxh3).Length > 0 ? keys : null // the invariant, computed once and kept
        : packet.Digest is { Encoding: DumpEncoding.Md5, Bytes.Length: PackterMd5.Length } digest ? DigestKeys.OfPackterMd5(digest.Bytes) : null;
}
