using System.Diagnostics;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Telemetry;

/// <summary>
/// Distributed tracing of a trace across ASes: a span per ITM hop (ActivitySource
/// <see cref="SourceName"/>), and the W3C trace context carried to a neighbour in the request's
/// Option <see cref="TraceParentOption"/> — only to neighbours whose export level lets them learn
/// more than AS statuses; others start a new root, so nothing links their spans to ours.
/// </summary>
public static class NodeActivity
{
    public const string SourceName = "InterTrack";

    /// <summary>The Option carrying the W3C traceparent ("00-TRACEID-SPANID-FLAGS").</summary>
    public const string TraceParentOption = "traceparent";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>The span of one ITM hop: a child of the requester's span when its request carries a valid trace context, else a new root.</summary>
    public static Activity? StartHop(uint asNumber, ItmTraceRequest request, bool fromOwnDPoint)
    {
        ActivityContext parent = default;
        if (request.Options.FirstOrDefault(o => o.Type == TraceParentOption) is { } option)
        {
            ActivityContext.TryParse(option.Value, null, isRemote: true, out parent);
        }
        // Without a context from the requester the hop is a root, also when the requester runs in this process (emulations).
        Activity.Current = null;
        var activity = Source.StartActivity("itm.trace", ActivityKind.Server, parent);
        activity?.SetTag("intertrack.as", asNumber);
        activity?.SetTag("intertrack.message_id", request.MessageId.ToString());
        activity?.SetTag("intertrack.from", fromOwnDPoint ? "dpoint" : $"AS{Managers.Itm.Requester(request.PathList)}");
        return activity;
    }

    /// <summary>The span of asking one neighbour, under the current hop.</summary>
    public static Activity? StartForward(uint asNumber, uint neighbor)
    {
        var activity = Source.StartActivity("itm.forward", ActivityKind.Client);
        activity?.SetTag("intertrack.as", asNumber);
        activity?.SetTag("intertrack.neighbor", neighbor);
        return activity;
    }

    /// <summary>The Option to send with a forwarded request, when there is a span and the neighbour may see it.</summary>
    public static MessageOption[] Context(Activity? forward, bool shared) =>
        forward is not null && shared ? [new MessageOption(TraceParentOption, forward.Id!)] : [];
}
