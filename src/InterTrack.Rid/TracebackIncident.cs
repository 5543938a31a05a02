using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
/// those paths follow as one more flow of <c>"intermediate"</c> systems. An amplifier (the AS of a reflector that answered requests
/// forged with the victim's address) is an <c>"intermediate"</c> System on the path to the origin that forged them, never the
/// source: its <c>Node</c> also names the reflectors (<c>Address category="ipv4-addr"</c> or <c>"ipv6-addr"</c>), a <c>Service</c>
/// (UDP and the port) each reflector port, and its <c>Description</c> says it reflected, and why the trace ended there when the
/// requests were not found (then the path from the victim to it is a flow of its own). The traced packets are the
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
        // An amplifier on no path to an origin (its requests were not found) ends a path of its own, as an intermediate.
        var amplifierPaths = view.ReflectorAses.Where(a => !onPaths.Contains(a)).Select(view.PathTo).ToList();
        onPaths.UnionWith(amplifierPaths.SelectMany(p => p));
        var flows = view.AsPaths.Select(path => (Path: path, ToOrigin: true)).Concat(amplifierPaths.Select(path => (Path: path, ToOrigin: false)))
            .Select(p => new XElement(n + "Flow", p.Path.Select((asNumber, hop) => System(n, asNumber,
                hop == 0 ? "target" : hop == p.Path.Count - 1 && p.ToOrigin ? "source" : "intermediate", byAs.GetValueOrDefault(asNumber)))))
            .ToList();
        var elsewhere = view.Ases.Where(a => !onPaths.Contains(a.As)).ToList();
        if (elsewhere.Count > 0)
        {
            flows.Add(new XElement(n + "Flow", elsewhere.Select(a => System(n, a.As, a.Depth == 0 ? "target" : "intermediate", a))));
        }
        string origins = view.OriginAses.Count == 0 ? "none found" : string.Join(", ", view.OriginAses.Select(a => $"AS{a}"));
        if (view.ReflectorAses.Count > 0)
        {
            origins += " (they forged the requests); amplifier ASes, whose reflectors answered them: " +
                string.Join(", ", view.ReflectorAses.Select(a => $"AS{a}"));
        }
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
                new XElement(n + "Description", "The attack tree: one flow per path from the victim's AS to an origin AS" +
                    (amplifierPaths.Count > 0 ? " or to an amplifier whose requests were not found" : "") + ", in path order."),
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
        var reflectors = (view?.Reflectors ?? []).Select(Reflector).OfType<IPEndPoint>().ToList();
        return new XElement(n + "System",
            new XAttribute("category", category),
            category == "source" ? new XAttribute("spoofed", "no") : null,
            new XElement(n + "Node", new XElement(n + "Address", new XAttribute("category", "asn"), asNumber.ToString(CultureInfo.InvariantCulture)),
                reflectors.Select(r => r.Address).Distinct().Select(a => new XElement(n + "Address",
                    new XAttribute("category", a.AddressFamily == AddressFamily.InterNetworkV6 ? "ipv6-addr" : "ipv4-addr"), a.ToString()))),
            reflectors.Select(r => r.Port).Distinct().Order().Select(port => new XElement(n + "Service", new XAttribute("ip-protocol", 17),
                new XElement(n + "Port", port.ToString(CultureInfo.InvariantCulture)))),
            what.Length > 0 ? new XElement(n + "Description", what) : null,
            view?.Status == AsStatus.Amplifier ? new XElement(n + "Description", Amplifier(view)) : null);
    }

    private static string Amplifier(AsView view) =>
        $"amplifier, not the source: its {(view.Reflectors.Count > 1 ? "reflectors" : "reflector")} " +
        $"{(view.Reflectors.Count == 0 ? "" : string.Join(", ", view.Reflectors) + " ")}" +
        $"{(view.ReflectionServices.Count == 0 ? "" : $"({string.Join(", ", view.ReflectionServices)}) ")}answered requests forged with the " +
        $"victim's address{(view.ReflectionUnmatched is { } why ? $"; requests not found: {why}" : ", traced upstream to the ASes that forged them")}";

    /// <summary>A reflector as an amplifier's entry names it, ADDRESS:PORT (an IPv6 address keeps its colons: the port follows the last).</summary>
    private static IPEndPoint? Reflector(string text)
    {
        int colon = text.LastIndexOf(':');
        return colon > 0 && IPAddress.TryParse(text[..colon], out var address)
            && ushort.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out ushort port)
            ? new IPEndPoint(address, port)
            : null;
    }

    private static XElement Evidence(XNamespace n, byte[] ip, long timestampNs, int index) => new(n + "RecordData",
        timestampNs > 0 ? new XElement(n + "DateTime", Iodef.Time(DateTimeOffset.UnixEpoch.AddTicks(timestampNs / 100))) : null,
        new XElement(n + "Description", string.Create(CultureInfo.InvariantCulture, $"traced packet {index + 1}, as the victim received it")),
        new XElement(n + "RecordItem", new XAttribute("dtype", (ip[0] >> 4) == 6 ? "ipv6-packet" : "ipv4-packet"), Convert.ToHexStringLower(ip)));
}
