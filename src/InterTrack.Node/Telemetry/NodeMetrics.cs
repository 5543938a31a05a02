using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace InterTrack.Node.Telemetry;

/// <summary>
/// The node's meters (System.Diagnostics.Metrics), all under the meter <see cref="MeterName"/>, so
/// one exporter (Prometheus, OTLP) takes them all. Every measurement carries the AS it was made
/// for ("as"): one process may run several nodes (the emulator, tests). Instruments that read an
/// agent's own counters (digest, flow, heartbeats) are observable and live with the agent.
/// </summary>
public static class NodeMetrics
{
    public const string MeterName = "InterTrack";

    private static readonly Meter Meter = new(MeterName, typeof(NodeMetrics).Assembly.GetName().Version?.ToString());

    // Traces take milliseconds on a LAN and up to the trace deadline (30 s by default) across ASes.
    private static readonly InstrumentAdvice<double> Seconds = new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
        60, 120] };

    private static readonly Counter<long> Received = Meter.CreateCounter<long>("intertrack.itm.traces.received", "{trace}",
        "Trace requests an ITM took, from its D Point or a neighbour ITM.");
    private static readonly Counter<long> Forwarded = Meter.CreateCounter<long>("intertrack.itm.traces.forwarded", "{trace}",
        "Trace requests an ITM forwarded to a neighbour ITM.");
    private static readonly Counter<long> Answered = Meter.CreateCounter<long>("intertrack.itm.traces.answered", "{trace}",
        "Trace requests an ITM answered, by the status of its own AS.");
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("intertrack.itm.traces.refused", "{trace}",
        "Trace requests an ITM refused, by reason (rate_limited answers are Busy).");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("intertrack.itm.traces.failed", "{trace}",
        "Forwarded requests that brought no answer, by reason.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram("intertrack.itm.trace.duration", "s",
        "Time an ITM took to answer: end_to_end for its own D Point's traces, hop for a neighbour's.", advice: Seconds);
    private static readonly Histogram<double> NeighborDuration = Meter.CreateHistogram("intertrack.itm.neighbor.duration", "s",
        "Time a neighbour ITM took to answer a forwarded request.", advice: Seconds);
    private static readonly Counter<long> ClientRequests = Meter.CreateCounter<long>("intertrack.dp.requests", "{request}",
        "Client requests at the D Point, by outcome: accepted, rate_limited, busy, refused.");
    private static readonly Counter<long> ClientTraces = Meter.CreateCounter<long>("intertrack.dp.traces", "{trace}",
        "Client traces the D Point finished, by outcome: done, failed.");
    private static readonly Histogram<double> ClientDuration = Meter.CreateHistogram("intertrack.dp.trace.duration", "s",
        "Time from a client's request to its result at the D Point.", advice: Seconds);
    private static readonly UpDownCounter<long> InFlight = Meter.CreateUpDownCounter<long>("intertrack.dp.traces.in_flight", "{trace}",
        "Client traces admitted and not finished.");
    private static readonly Counter<long> HandshakesRefused = Meter.CreateCounter<long>("intertrack.tls.handshakes.refused", "{connection}",
        "Connections refused before or during the TLS handshake, by reason.");

    public static void TraceReceived(uint asNumber, bool fromOwnDPoint) =>
        Received.Add(1, new TagList { { "as", asNumber }, { "from", fromOwnDPoint ? "dpoint" : "neighbor" } });

    public static void TraceForwarded(uint asNumber, uint neighbor) =>
        Forwarded.Add(1, new TagList { { "as", asNumber }, { "neighbor", neighbor } });

    public static void TraceAnswered(uint asNumber, string status, bool fromOwnDPoint, TimeSpan took)
    {
        Answered.Add(1, new TagList { { "as", asNumber }, { "status", status } });
        Duration.Record(took.TotalSeconds, new TagList { { "as", asNumber }, { "scope", fromOwnDPoint ? "end_to_end" : "hop" } });
    }

    /// <param name="reason">loop, path_filter, rate_limited, duplicate.</param>
    public static void TraceRefused(uint asNumber, string reason) =>
        Refused.Add(1, new TagList { { "as", asNumber }, { "reason", reason } });

    /// <param name="reason">timeout, unreachable, error.</param>
    public static void NeighborFailed(uint asNumber, uint neighbor, string reason) =>
        Failed.Add(1, new TagList { { "as", asNumber }, { "neighbor", neighbor }, { "reason", reason } });

    public static void NeighborAnswered(uint asNumber, uint neighbor, TimeSpan took) =>
        NeighborDuration.Record(took.TotalSeconds, new TagList { { "as", asNumber }, { "neighbor", neighbor } });

    /// <param name="outcome">accepted, rate_limited, busy, refused.</param>
    public static void ClientRequest(uint asNumber, string outcome) =>
        ClientRequests.Add(1, new TagList { { "as", asNumber }, { "outcome", outcome } });

    public static void ClientTraceStarted(uint asNumber) => InFlight.Add(1, new TagList { { "as", asNumber } });

    public static void ClientTraceFinished(uint asNumber, bool done, TimeSpan took)
    {
        InFlight.Add(-1, new TagList { { "as", asNumber } });
        ClientTraces.Add(1, new TagList { { "as", asNumber }, { "outcome", done ? "done" : "failed" } });
        ClientDuration.Record(took.TotalSeconds, new TagList { { "as", asNumber } });
    }

    /// <param name="reason">too_many_pending, not_admitted, plain_tcp, failed.</param>
    public static void HandshakeRefused(string role, string reason) =>
        HandshakesRefused.Add(1, new TagList { { "role", role }, { "reason", reason } });
}
