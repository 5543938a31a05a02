using InterTrack.Tracing;

namespace InterTrack.Digest;

/// <summary>
/// Packet digests as link evidence for the BTM and DTM: a packet was seen on a link when its
/// invariant is in a page of that link's table near its time; the certainty of a sighting is
/// 1 − the page's estimated false-positive rate.
/// </summary>
public sealed class DigestEvidence(IDigestSource digests) : ILinkEvidence
{
    public string TsType => "digest";

    public LinkAnswer Ask(string link, TracedPacket packet, TimeSpan tolerance)
    {
        var invariant = packet.Key(ip => PacketInvariant.Of(ip));
        if (invariant.Length == 0)
        {
            return LinkAnswer.NotSeen; // no whole IP header: no router digested such a packet
        }
        var answer = digests.Ask(link, invariant, packet.TimestampNs, tolerance);
        return answer.Seen ? new LinkAnswer(true, false, 1 - answer.Matches.Max(m => m.FalsePositiveRate)) : new LinkAnswer(false, answer.Expired, 1);
    }
}
