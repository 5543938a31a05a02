using InterTrack.Packets.Reflection;

namespace InterTrack.Node.Tracing;

/// <summary>How a flow crosses an AS border: the five cases a border traceback system answers.</summary>
internal enum BorderCase
{
    /// <summary>The flow neither enters nor leaves through our border.</summary>
    None,
    /// <summary>The flow leaves the AS and originates inside.</summary>
    Outgoing,
    /// <summary>The flow enters from a neighbour and ends inside.</summary>
    Incoming,
    /// <summary>The flow leaving is a mix: part entered from outside, part originates inside.</summary>
    IncomingOutgoing,
    /// <summary>The flow enters from a neighbour and leaves to another.</summary>
    Transit,
    /// <summary>The packets that leave and originate inside are answers of our hosts to reflection requests (none other originates).</summary>
    Amplifier,
}

/// <summary>A BTS's answer for a set of packets.</summary>
/// <param name="Confidence">0–100: the share of packets the border saw, discounted by the least certain sighting (<see cref="LinkAnswer.Certainty"/>).</param>
/// <param name="Unanswered">Packets for whose time no border link kept pages (expired).</param>
/// <param name="EnteredFrom">Per packet, in order, the neighbour ASes it came in from: whom to ask about which packet.</param>
internal sealed record BorderVerdict(BorderCase Case, IReadOnlyList<uint> IncomingAses, IReadOnlyList<uint> OutgoingAses,
    int Confidence, int Packets, int Unanswered, IReadOnlyList<IReadOnlyList<uint>> EnteredFrom)
{
    /// <summary>
    /// Per packet, in order: for an answer to a reflection request that our hosts sent (it left and did not come in), its request's key and
    /// the neighbour ASes a request of that key came in from (none: not found); null for other packets.
    /// </summary>
    public IReadOnlyList<(ReflectionKey Key, IReadOnlyList<uint> From)?> Reflected { get; init; } = [];

    /// <summary>Why the requests could not be looked up at all (the system keeps none); null when they could.</summary>
    public string? RequestsNotKept { get; init; }
}

/// <summary>
/// Decides how a flow crosses the AS border from where its packets were seen. Per packet: seen on
/// an "in" and an "out" link → transit packet; "out" only → originated inside; "in" only → ends
/// inside. Over the flow: only out-only packets → OUTGOING; out-only packets mixed with packets
/// that entered → INCOMING+OUTGOING; entered and left, nothing originated → TRANSIT; entered only
/// → INCOMING; nothing seen → NONE. A packet that originated inside and is a reflector's answer (<see cref="ReflectionKey.OfResponse"/>)
/// counts apart: its request is looked up on the "in" links, and when no other packet originated the case is AMPLIFIER.
/// </summary>
internal sealed class BorderClassifier(IReadOnlyList<BorderLink> links, ILinkEvidence evidence, TimeSpan tolerance)
{
    public BorderVerdict Classify(IReadOnlyList<TracedPacket> packets)
    {
        var incoming = new SortedSet<uint>();
        var outgoing = new SortedSet<uint>();
        int transit = 0, originated = 0, ended = 0, unanswered = 0;
        double leastCertain = 1;
        var enteredFrom = new List<IReadOnlyList<uint>>(packets.Count);
        var reflectedFrom = new List<(ReflectionKey, IReadOnlyList<uint>)?>(packets.Count);
        int reflected = 0;
        string? notKept = null;
        foreach (var packet in packets)
        {
            bool cameIn = false, wentOut = false, answered = false;
            var from = new List<uint>();
            foreach (var link in links)
            {
                var answer = evidence.Ask(link.Link, packet, tolerance);
                answered |= !answer.Expired;
                if (!answer.Seen)
                {
                    continue;
                }
                leastCertain = Math.Min(leastCertain, answer.Certainty);
                if (link.Direction == BorderDirection.In)
                {
                    cameIn = true;
                    incoming.Add(link.NeighborAs);
                    if (!from.Contains(link.NeighborAs))
                    {
                        from.Add(link.NeighborAs);
                    }
                }
                else
                {
                    wentOut = true;
                    outgoing.Add(link.NeighborAs);
                }
            }
            unanswered += answered ? 0 : 1;
            enteredFrom.Add(from);
            var key = wentOut && !cameIn && packet.Ip is { } ip ? ReflectionKey.OfResponse(ip) : null;
            reflectedFrom.Add(key is null ? null : (key, RequestsFrom(key, packet, ref notKept)));
            if (key is not null) reflected++;
            else if (cameIn && wentOut) transit++;
            else if (wentOut) originated++;
            else if (cameIn) ended++;
        }
        var verdict = (originated, transit + ended, transit) switch
        {
            ( > 0, > 0, _) => BorderCase.IncomingOutgoing,
            ( > 0, 0, _) => BorderCase.Outgoing,
            _ when originated == 0 && reflected > 0 => BorderCase.Amplifier,
            (0, > 0, > 0) => BorderCase.Transit,
            (0, > 0, 0) => BorderCase.Incoming,
            _ => BorderCase.None,
        };
        int classified = transit + originated + ended + reflected;
        int confidence = packets.Count == 0 ? 0
            : verdict == BorderCase.None
                ? (int)Math.Round(100.0 * (packets.Count - unanswered) / packets.Count) // sure of "not seen" only where pages existed
                : (int)Math.Round(100.0 * classified / packets.Count * leastCertain);
        return new BorderVerdict(verdict, [.. incoming], [.. outgoing], confidence, packets.Count, unanswered, enteredFrom)
        {
            Reflected = reflectedFrom,
            RequestsNotKept = notKept,
        };
    }

    /// <summary>The neighbours a request of <paramref name="key"/> came in from near the answer's time; none when not seen or not kept.</summary>
    private List<uint> RequestsFrom(ReflectionKey key, TracedPacket answer, ref string? notKept)
    {
        var request = TracedPacket.OfRequest(key.Hash(), key.RequestHeaders(), answer.TimestampNs);
        if (evidence.CannotLookUp(request) is { } why)
        {
            notKept ??= why;
            return [];
        }
        return [.. links.Where(l => l.Direction == BorderDirection.In && evidence.Ask(l.Link, request, tolerance).Seen).Select(l => l.NeighborAs).Distinct()];
    }
}
