using System.Globalization;
using InterTrack.Node.Tracing;

namespace InterTrack.LinkTesting;

/// <summary>
/// Input debugging as link evidence for the BTM and DTM (whose flood then walks upstream, router
/// by router, along the links that carry the attack). A link "saw" a packet when packets with its
/// signature crossed it within <paramref name="window"/> before now — asked while the attack is
/// on, whatever the packet's own time. A signature match names the attack's traffic, not the
/// packet, so a sighting is 0.8 certain.
/// A missing counter is a "no" only where the counters speak for the packet's time: it crossed
/// after they began and within the window before they were read, so had it crossed the link, the
/// counter would be there. Otherwise nothing is kept (the attack has ended, or came before the
/// counters), and a packet whose attack no link counts any more cannot be looked up at all: the
/// answer is "unknown" with the reason, never "not through me".
/// </summary>
internal sealed class LinkTestEvidence(ILinkCounters counters, TimeSpan window, TimeProvider? time = null) : ILinkEvidence
{
    public const double SignatureCertainty = 0.8;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _windowNs = window.Ticks * 100;

    public string TsType => LinkTestKind.KindName;

    public bool SightsAggregate => true;

    public string? CannotLookUp(TracedPacket packet)
    {
        if (packet.RequestHash is not null)
        {
            return "linktest keeps no reflection requests: a signature of the victim as source and the reflector's service is not built yet";
        }
        if (packet.Ip is null)
        {
            return "linktest evidence needs the packet itself (its destination, protocol and port), and the request carries only its " +
                $"{packet.Digest?.Encoding.ToString().ToLowerInvariant()} hash";
        }
        if (Signature(packet) is not { } signature)
        {
            return "linktest: the packet ends before its destination address";
        }
        if (counters.ReadAnyLink(signature) is not { } read)
        {
            return "linktest: the routers' counters cannot be read now (the node's log says why)";
        }
        return Live(read) || Covers(read, packet, TimeSpan.Zero) ? null
            : string.Create(CultureInfo.InvariantCulture,
            $"linktest: no counter for {signature.Destination} protocol {signature.Protocol} port {signature.DestinationPort} within the last " +
            $"{window.TotalSeconds:0.#} s window: the attack may have ended or not been kept");
    }

    public LinkAnswer Ask(string link, TracedPacket packet, TimeSpan tolerance)
    {
        if (Signature(packet) is not { } signature || counters.Read(link, signature) is not { } read)
        {
            return LinkAnswer.NothingKept; // not a packet it can look up, or the router did not answer
        }
        return Live(read) ? new LinkAnswer(true, false, SignatureCertainty)
            : Covers(read, packet, tolerance) ? LinkAnswer.NotSeen
            : LinkAnswer.NothingKept;
    }

    private static AttackSignature? Signature(TracedPacket packet) =>
        packet.Key(p => AttackSignature.Of(p.Ip) is { } s ? new SignatureKey(s) : null)?.Signature;

    /// <summary>The attack crosses now: its last packet is within the window (a router's counter lives that long after it).</summary>
    private bool Live(CounterReading read) => read.Packets > 0 && read.LastNs is { } last && NowNs() - last <= _windowNs;

    /// <summary>
    /// Whether a missing (or older) counter means the packet did not cross: its time, give or take
    /// the tolerance, is after counting began, before the reading, and within the window of it.
    /// </summary>
    private bool Covers(CounterReading read, TracedPacket packet, TimeSpan tolerance)
    {
        if (packet.TimestampNs is not { } at)
        {
            return false;
        }
        long slack = tolerance.Ticks * 100, readNs = Math.Min(read.ReadNs, NowNs());
        return at - slack >= counters.SinceNs && at + slack <= readNs && readNs - (at - slack) < _windowNs;
    }

    private long NowNs() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    private sealed record SignatureKey(AttackSignature Signature);
}
