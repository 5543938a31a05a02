namespace InterTrack.Node.Tracing;

/// <summary>
/// A traceback system's answer for one packet on one link. <see cref="Expired"/>: nothing is kept
/// for that time (recycled, or never covered), which is not a "no". <see cref="Certainty"/>, 0–1:
/// how sure a "seen" is — a digest's 1 − false-positive rate, a flow record's match specificity.
/// </summary>
public readonly record struct LinkAnswer(bool Seen, bool Expired, double Certainty)
{
    public static LinkAnswer NotSeen { get; } = new(false, false, 1);

    public static LinkAnswer NothingKept { get; } = new(false, true, 0);
}

/// <summary>
/// What a traceback system observed on the links it watches (router ingress links, border links
/// in and out), asked packet by packet. The BTM's border classification and the DTM's flood over
/// the domain's routers work on any system through this, whatever it keeps: packet digests, flow
/// records, …
/// </summary>
public interface ILinkEvidence
{
    /// <summary>The kind of system, as replies name it in <c>tstype</c>: its kind's name (<see cref="Kinds.ITracebackKind.Name"/>).</summary>
    string TsType { get; }

    /// <summary>
    /// True when a sighting names traffic like the packet (link testing's attack signature), not
    /// the packet: a border that saw it come in and go out cannot tell that none of it started inside.
    /// </summary>
    bool SightsAggregate => false;

    /// <summary>
    /// Why this system cannot look the packet up at all (null when it can): a packet known only by
    /// a hash of it, where the system keys something else. Such packets are left out of the
    /// answer and the reason is given, rather than a "not seen".
    /// </summary>
    string? CannotLookUp(TracedPacket packet) =>
        packet.RequestHash is not null ? $"{TsType} keeps no reflection requests: it cannot follow requests upstream of an amplifier"
        : packet.Ip is null
        ? $"{TsType} evidence needs the packet itself, and the request carries only its {packet.Digest?.Encoding.ToString().ToLowerInvariant()} hash"
        : null;

    /// <summary>
    /// What a sighting of a reflection request shows when it is less than that request (flow records: a flow of its addresses and ports),
    /// said in the answers about requests (Option <c>reflection-match</c>); null when a sighting is of the request itself.
    /// </summary>
    string? RequestSighting => null;

    /// <summary>
    /// Was the packet seen on the link within <paramref name="tolerance"/> of its time? An unknown link has kept
    /// nothing. Ask only packets it can look up (<see cref="CannotLookUp"/>).
    /// </summary>
    LinkAnswer Ask(string link, TracedPacket packet, TimeSpan tolerance);
}
