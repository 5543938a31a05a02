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
}

/// <summary>A BTS's answer for a set of packets.</summary>
/// <param name="Confidence">0–100: the share of packets the border saw, discounted by the least certain sighting (<see cref="LinkAnswer.Certainty"/>).</param>
/// <param name="Unanswered">Packets for whose time no border link kept pages (expired).</param>
/// <param name="EnteredFrom">Per packet, in order, the neighbour ASes it came in from: whom to ask about which packet.</param>
internal sealed record BorderVerdict(BorderCase Case, IReadOnlyList<uint> IncomingAses, IReadOnlyList<uint> OutgoingAses,
    int Confidence, int Packets, int Unanswered, IReadOnlyList<IReadOnlyList<uint>> EnteredFrom);

/// <summary>
/// Decides how a flow crosses the AS border from where its packets were seen. Per packet: seen on
/// an "in" and an "out" link → transit packet; "out" only → originated inside; "in" only → ends
/// inside. Over the flow: only out-only packets → OUTGOING; out-only packets mixed with packets
/// that entered → INCOMING+OUTGOING; entered and left, nothing originated → TRANSIT; entered only
/// → INCOMING; nothing seen → NONE.
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
            if (cameIn && wentOut) transit++;
            else if (wentOut) originated++;
            else if (cameIn) ended++;
        }
        var verdict = (originated, transit + ended, transit) switch
        {
            ( > 0, > 0, _) => BorderCase.IncomingOutgoing,
            ( > 0, 0, _) => BorderCase.Outgoing,
            (0, > 0, > 0) => BorderCase.Transit,
            (0, > 0, 0) => BorderCase.Incoming,
            _ => BorderCase.None,
        };
        int classified = transit + originated + ended;
        int confidence = packets.Count == 0 ? 0
            : verdict == BorderCase.None
                ? (int)Math.Round(100.0 * (packets.Count - unanswered) / packets.Count) // sure of "not seen" only where pages existed
                : (int)Math.Round(100.0 * classified / packets.Count * leastCertain);
        return new BorderVerdict(verdict, [.. incoming], [.. outgoing], confidence, packets.Count, unanswered, enteredFrom);
    }
}
