using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using InterTrack.Node.Client;
using InterTrack.Node.Managers;
using InterTrack.Protocol.Model;

namespace InterTrack.OperatorView.Web;

/// <summary>
/// The operator's pages as server-rendered HTML: no script, a refresh every 2 s while traces run.
/// Everything from the network or the database is HTML-encoded.
/// </summary>
internal static class OperatorPages
{
    private const string Style = """
        body { font-family: sans-serif; margin: 1.5em 2em; color: #222; }
        table { border-collapse: collapse; margin: .5em 0 1.5em; }
        th, td { border-bottom: 1px solid #ddd; padding: .3em .8em; text-align: left; font-size: 14px; }
        th { background: #f4f6f7; }
        .Done { color: #1e8449; } .Failed { color: #c0392b; } .Pending { color: #b9770e; }
        .up { color: #1e8449; } .down { color: #c0392b; }
        form { background: #f4f6f7; padding: 1em; display: inline-block; }
        .error { color: #c0392b; font-weight: bold; }
        """;

    private static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <summary>A client as the D Point stores it (a node id's record text, or "legacy:ADDRESS"), as people read it.</summary>
    private static string Client(string stored) =>
        stored.IndexOf("Text = ", StringComparison.Ordinal) is var at and >= 0 ? stored[(at + 7)..].TrimEnd(' ', '}') : stored;

    private static string Page(string title, string body, bool refresh) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{E(title)}</title>
        {(refresh ? "<meta http-equiv=\"refresh\" content=\"2\">" : "")}
        <style>{Style}</style></head>
        <body>{body}</body></html>
        """;

    public static string Home(OperatorSources sources, string? antiforgeryField, string? antiforgeryToken, string? error)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>InterTrack D Point of AS{sources.As}</h1>");
        if (error is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" id=\"error\">{E(error)}</p>");
        }
        html.Append("<h2>Trace a capture</h2>");
        if (sources.Client is null)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<p>Tracing from this page needs this AS's Traceback Client certificate (as{sources.As}-tc.crt) beside the node's certificates.</p>");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <form method="post" action="/traces" enctype="multipart/form-data">
                <input type="hidden" name="{E(antiforgeryField)}" value="{E(antiforgeryToken)}">
                <label>Attack packets (pcap or pcapng): <input type="file" name="pcap" required></label>
                <button type="submit">Trace</button></form>
                """);
        }
        var inFlight = sources.DPoint.InFlight.OrderBy(t => t.Started).ToList();
        html.Append(CultureInfo.InvariantCulture, $"<h2>In flight ({inFlight.Count})</h2>");
        if (inFlight.Count > 0)
        {
            html.Append("<table id=\"in-flight\"><tr><th>#</th><th>message id</th><th>client</th><th>packets</th><th>running for</th><th>progress</th></tr>");
            var now = DateTimeOffset.UtcNow;
            foreach (var t in inFlight)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td><a href=\"/traces/{t.Sequence}\">{t.Sequence}</a></td><td>{E(t.MessageId ?? "asking the ITM")}</td><td>" +
                    $"{E(Client(t.Client))}</td><td>{t.Packets}</td><td>{(now - t.Started).TotalSeconds:F1} s</td><td>" +
                    $"{Progress(sources, t.MessageId, t.Started)}</td></tr>");
            }
            html.Append("</table>");
        }
        html.Append("<h2>Traces</h2><table id=\"traces\"><tr><th>#</th><th>message id</th><th>asked (UTC)</th><th>took</th><th>status</th><th>origin " +
            "ASes</th><th>client</th></tr>");
        foreach (var (trace, created, finished) in sources.Store.Recent(100))
        {
            string origins = trace.Result is { } result && trace.MessageId is { } id ? Origins(TraceResultView.From(MessageId.Parse(id), result)) : "";
            string took = finished is { } f ? $"{(f - created).TotalSeconds:F0} s" : "";
            string status = trace.State == TraceRecordState.Failed ? $"Failed: {trace.Failure}" : trace.State.ToString();
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td><a href=\"/traces/{trace.Sequence}\">{trace.Sequence}</a></td><td>{E(trace.MessageId)}</td><td>{created:yyyy-MM-dd HH:mm:ss}</td>" +
                $"<td>{took}</td><td class=\"{trace.State}\">{E(status)}</td><td class=\"origins\">{E(origins)}</td><td>{E(Client(trace.Client))}</td></tr>");
        }
        html.Append("</table>");
        html.Append("<h2>Neighbours</h2>");
        if (sources.Heartbeats is null)
        {
            html.Append("<p>No ITM heartbeats in this process.</p>");
        }
        else
        {
            html.Append("<table id=\"neighbours\"><tr><th>peer</th><th>state</th><th>round trip</th><th>clock offset</th><th>checked " +
                "(UTC)</th><th>problem</th></tr>");
            foreach (string peer in sources.Heartbeats.Peers.Order(StringComparer.Ordinal))
            {
                if (!sources.Heartbeats.Health.TryGetValue(peer, out var health))
                {
                    html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(peer)}</td><td>not checked yet</td><td></td><td></td><td></td><td></td></tr>");
                    continue;
                }
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{E(peer)}</td><td class=\"{(health.Up ? "up" : "down")}\">{(health.Up ? "up" : "down")}</td><td>" +
                    $"{health.RoundTrip.TotalMilliseconds:F1} ms</td><td>{health.ClockOffset.TotalMilliseconds:F1} ms</td><td>{health.Checked:HH:mm:ss}</td>" +
                    $"<td>{E(health.Problem)}</td></tr>");
            }
            html.Append("</table>");
        }
        return Page($"InterTrack AS{sources.As}", html.ToString(), refresh: inFlight.Count > 0);
    }

    /// <summary>A trace's origins for the list of traces, and its amplifiers (reflectors) apart when it has any.</summary>
    internal static string Origins(TraceResultView view) => string.Join(", ", view.OriginAses.Select(a => $"AS{a}")) +
        (view.ReflectorAses.Count == 0 ? "" : $"; amplifiers: {string.Join(", ", view.ReflectorAses.Select(a => $"AS{a}"))}");

    /// <summary>What the ITM did so far for a running trace, one step a line with the seconds since it was asked.</summary>
    private static string Progress(OperatorSources sources, string? messageId, DateTimeOffset started) =>
        messageId is null || sources.Progress is null ? "" : string.Join("<br>", sources.Progress.Of(messageId)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"+{(s.At - started).TotalSeconds:F1} s {E(s.Step)}")));

    public static string Trace(OperatorSources sources, TraceRecord trace, DateTime created, DateTime? finished)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"/\">← all traces</a></p><h1>Trace {trace.Sequence}</h1>");
        html.Append(CultureInfo.InvariantCulture,
            $"<table><tr><th>message id</th><td>{E(trace.MessageId ?? "not issued yet")}</td></tr><tr><th>client</th><td>{E(Client(trace.Client))}</td></tr>");
        html.Append(CultureInfo.InvariantCulture,
            $"<tr><th>asked (UTC)</th><td>{created:yyyy-MM-dd HH:mm:ss}</td></tr><tr><th>status</th><td id=\"status\" " +
            $"class=\"{trace.State}\">{trace.State}</td></tr>");
        if (finished is { } f)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>took</th><td>{(f - created).TotalSeconds:F1} s</td></tr>");
        }
        if (sources.DPoint.InFlight.FirstOrDefault(t => t.Sequence == trace.Sequence) is { } running)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><th>progress</th><td id=\"progress\">{Progress(sources, running.MessageId, running.Started)}</td></tr>");
        }
        if (trace.Failure is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>why</th><td class=\"error\">{E(trace.Failure)}</td></tr>");
        }
        html.Append("</table>");
        if (trace.State == TraceRecordState.Done && trace.Result is { } result && trace.MessageId is { } id)
        {
            html.Append(Result(TraceResultView.From(MessageId.Parse(id), result), trace.Sequence));
        }
        return Page($"Trace {trace.Sequence}", html.ToString(), refresh: trace.State == TraceRecordState.Pending);
    }

    /// <summary>A finished trace's part of its page: origins and amplifiers, the attack tree, every AS, the router paths.</summary>
    internal static string Result(TraceResultView view, long sequence)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture,
            $"<h2>Origin ASes: <span id=\"origins\">" +
            $"{E(view.OriginAses.Count == 0 ? "none found" : string.Join(", ", view.OriginAses.Select(a => $"AS{a}")))}</span></h2>");
        if (view.ReflectorAses.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<h2>Amplifier ASes (reflectors, not origins): <span id=\"amplifiers\">" +
                $"{E(string.Join(", ", view.ReflectorAses.Select(a => $"AS{a}")))}</span></h2>");
        }
        html.Append("<div id=\"tree\">").Append(AttackTreePicture.Svg($"Attack tree of trace {sequence}", view.TreeAses())).Append("</div>");
        html.Append("<h2>ASes</h2><table><tr><th>AS</th><th>status</th><th>depth</th><th>degree</th><th>system</th><th>note</th></tr>");
        foreach (var a in view.Ases.OrderBy(a => a.Depth).ThenBy(a => a.As))
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>AS{a.As}</td><td>{a.Status}</td><td>{a.Depth}</td><td>{a.Degree}</td><td>{E(a.TsType)}</td><td>" +
                $"{E(a.Error ?? a.Skipped ?? a.AmplifierNote)}</td></tr>");
        }
        html.Append("</table>");
        if (view.RouterPaths.Count > 0)
        {
            html.Append("<h2>Router paths</h2><table><tr><th>AS</th><th>routers, border first</th><th>first hop of the source</th></tr>");
            foreach (var (asNumber, routers) in view.RouterPaths.OrderBy(r => r.Key))
            {
                var firstHop = routers.FirstOrDefault(r => r.Suspected is not null);
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>AS{asNumber}</td><td>{E(string.Join(" ← ", routers.Select(r => TraceResultView.Name(r.NodeId))))}</td><td>" +
                    $"{E(firstHop is null ? "" : $"{TraceResultView.Name(firstHop.NodeId)} via {firstHop.Suspected!.LearnedInterface}")}</td></tr>");
            }
            html.Append("</table>");
        }
        return html.ToString();
    }

    public static string Message(string title, string text) =>
        Page(title, $"<p><a href=\"/\">← all traces</a></p><h1>{E(title)}</h1><p class=\"error\" id=\"error\">{E(text)}</p>", refresh: false);
}
