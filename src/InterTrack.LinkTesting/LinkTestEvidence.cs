using InterTrack.Tracing;

namespace InterTrack.LinkTesting;

/// <summary>
/// Input debugging as link evidence for the BTM and DTM (whose flood then walks upstream, router
/// by router, along the links that carry the attack): a link "saw" a packet when packets with
/// its signature crossed it within <paramref name="window"/> before now — asked while the attack
/// is on, whatever the packet's own time. Once the attack has stopped on a link, nothing is kept
/// there ("expired", not "no"), nor when a router cannot be read: link testing works only while the attack lasts. A signature
/// match names the attack's traffic, not the packet, so a sighting is 0.8 certain.
/// </summary>
public sealed class LinkTestEvidence(ILinkCounters counters, TimeSpan window, TimeProvider? time = null) : ILinkEvidence
{
    public const double SignatureCertainty = 0.8;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string TsType => LinkTestKind.KindName;

    public bool SightsAggregate => true;

    public LinkAnswer Ask(string link, TracedPacket packet, TimeSpan tolerance)
    {
        if (packet.Key(p => AttackSignature.Of(p.Ip) is { } s ? new SignatureKey(s) : null) is not { } key)
        {
            return LinkAnswer.NotSeen;
        }
        if (counters.Read(link, key.Signature) is not { } read)
        {
            return LinkAnswer.NothingKept; // the router did not answer
        }
        var (packets, lastNs) = read;
        if (packets == 0)
        {
            return LinkAnswer.NotSeen;
        }
        long nowNs = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        return nowNs - lastNs <= (window + tolerance).Ticks * 100 ? new LinkAnswer(true, false, SignatureCertainty) : LinkAnswer.NothingKept;
    }

    private sealed record SignatureKey(AttackSignature Signature);
}
