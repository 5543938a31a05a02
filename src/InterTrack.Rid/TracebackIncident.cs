using System.Globalization;
using System.Xml.Linq;
using InterTrack.Node.Client;
using InterTrack.Protocol.Model;

namespace InterTrack.Rid;

/// <summary>
/// A trace result as an IODEF 2.0 <c>Incident purpose="traceback"</c> (RFC 7970), for CSIRTs:
/// each attack path (victim to origin) is a <c>Flow</c> of <c>System</c>s in path order, the ASes
/// as <c>Node/Address category="asn"</c> — the origin AS <c>category="source"</c> with
/// <c>spoofed="no"</c> (the traceback found it; the packets' source addresses were forged), the
/// transit ASes <c>"intermediate"</c>, the victim's AS <c>"target"</c>; ASes the trace reached off
/// those paths follow as one more flow of <c>"intermediate"</c> systems. The traced packets are the
/// evidence, one <c>Record/RecordData</c> each (capture time, and the packet in hex as
/// <c>RecordItem dtype="ipv4-packet"</c> or <c>"ipv6-packet"</c>). The D Point is the contact.
/// </summary>
public static class TracebackIncident
{
    /// <param name="dpointAs">The victim's AS, whose D Point answered.</param>
    /// <param name="dpointEndpoint">Where that D Point listens, for the contact.</param>
    public static XDocument Build(TraceResultView view, IReadOnlyList<(byte[] IpPacket, long TimestampNs)> packets, uint dpointAs, string dpointEndpoint,
        DateTimeOffset generated)
    {
        XNamespace n = Iodef.Ns;
        var times = packets.Where(p => p.TimestampNs > 0).Select(p => DateTimeOffset.UnixEpoch.AddTicks(p.TimestampNs / 100)).ToList();
        var byAs = view.Ases.GroupBy(a => a.As).ToDictionary(g => g.Key, g => g.First());
        var onPaths = view.AsPaths.SelectMany(p => p).ToHashSet();
        var flows = view.AsPaths.Select(path => new XElement(n + "Flow",
            path.Select((asNumber, hop) => System(n, asNumber, hop == 0 ? "target" : hop == path.Count - 1 ? "source" : "intermediate",
            byAs.GetValueOrDefault(asNumber)))))
            .ToList();
        var elsewhere = view.Ases.Where(a => !onPaths.Contains(a.As)).ToList();
        if (elsewhere.Count > 0)
        {
            flows.Add(new XElement(n + "Flow", elsewhere.Select(a => System(n, a.As, a.Depth == 0 ? "target" : "intermediate", a))));
        }
        string origins = view.OriginAses.Count == 0 ? "none found" : string.Join(", ", view.OriginAses.Select(a => $"AS{a}"));
        var incident = new XElement(n + "Incident",
            new XAttribute("purpose", "traceback"),
            new XAttribute("status", "resolved"),
            new XElement(n + "IncidentID", new XAttribute("name", $"intertrack:AS{dpointAs}"), view.MessageId.ToString()),
            times.Count > 0 ? new XElement(n + "StartTime", Iodef.Time(times.Min())) : null,
            times.Count > 0 ? new XElement(n + "EndTime", Iodef.Time(times.Max())) : null,
            new XElement(n + "ReportTime", Iodef.Time(generated)),
            new XElement(n + "GenerationTime", Iodef.Time(generated)),
            new XElement(n + "Description", $"InterTrack traceback of {packets.Count} packets received in AS{dpointAs}; origin ASes: {origins}."),
            new XElement(n + "Contact", new XAttribute("role", "creator"), new XAttribute("type", "organization"),
                new XElement(n + "ContactName", $"InterTrack D Point of AS{dpointAs}"),
                new XElement(n + "Description", $"D Point at {dpointEndpoint}; ask it again with message id {view.MessageId}")),
            new XElement(n + "EventData",
                new XElement(n + "Description", "The attack tree: one flow per path from the victim's AS to an origin AS, in path order."),
                flows,
                packets.Count > 0 ? new XElement(n + "Record", packets.Select((p, i) => Evidence(n, p.IpPacket, p.TimestampNs, i))) : null));
        return new XDocument(new XElement(n + "IODEF-Document",
            new XAttribute("version", "2.00"), new XAttribute(XNamespace.Xml + "lang", "en"), incident));
    }

    private static XElement System(XNamespace n, uint asNumber, string category, AsView? view)
    {
        string what = view is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $"{view.Status}, depth {view.Depth}, degree " +
            $"{view.Degree}{(view.TsType is { } ts ? $", answered by its {ts} system" : "")}{(view.Error is { } e ? $": {e}" : "")}");
        return new XElement(n + "System",
            new XAttribute("category", category),
            category == "source" ? new XAttribute("spoofed", "no") : null,
            new XElement(n + "Node", new XElement(n + "Address", new XAttribute("category", "asn"), asNumber.ToString(CultureInfo.InvariantCulture))),
            what.Length > 0 ? new XElement(n + "Description", what) : null);
    }

    private static XElement Evidence(XNamespace n, byte[] ip, long timestampNs, int index) => new(n + "RecordData",
        timestampNs > 0 ? new XElement(n + "DateTime", Iodef.Time(DateTimeOffset.UnixEpoch.AddTicks(timestampNs / 100))) : null,
        new XElement(n + "Description", string.Create(CultureInfo.InvariantCulture, $"traced packet {index + 1}, as the victim received it")),
        new XElement(n + "RecordItem", new XAttribute("dtype", (ip[0] >> 4) == 6 ? "ipv6-packet" : "ipv4-packet"), Convert.ToHexStringLower(ip)));
}
