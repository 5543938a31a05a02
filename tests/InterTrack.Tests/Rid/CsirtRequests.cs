using System.Xml.Linq;
using InterTrack.Rid;

namespace InterTrack.Tests.Rid;

/// <summary>What a CSIRT sends the gateway: an IODEF document with the attack packets, in the RID envelope of today or of earlier InterTrack.</summary>
internal static class CsirtRequests
{
    /// <summary>An IODEF 2.0 incident <paramref name="incidentId"/> of csirt.example carrying the packets as RFC 7970 encodes them.</summary>
    public static XDocument Iodef(IReadOnlyCollection<(byte[] Ip, long Ns)> packets, string incidentId = "ddos-1")
    {
        XNamespace n = InterTrack.Rid.Iodef.Ns;
        return new XDocument(new XElement(n + "IODEF-Document", new XAttribute("version", "2.00"),
            new XElement(n + "Incident", new XAttribute("purpose", "traceback"),
                new XElement(n + "IncidentID", new XAttribute("name", "csirt.example"), incidentId),
                new XElement(n + "GenerationTime", InterTrack.Rid.Iodef.Time(DateTimeOffset.UnixEpoch)),
                new XElement(n + "Contact", new XAttribute("role", "irt"), new XAttribute("type", "organization")),
                new XElement(n + "EventData", packets.Count == 0 ? null : new XElement(n + "Record", packets.Select(p => new XElement(n + "RecordData",
                    new XElement(n + "DateTime", InterTrack.Rid.Iodef.Time(DateTimeOffset.UnixEpoch.AddTicks(p.Ns / 100))),
                    new XElement(n + "RecordItem", new XAttribute("dtype", (p.Ip[0] >> 4) == 6 ? "ipv6-packet" : "ipv4-packet"),
                    Convert.ToHexStringLower(p.Ip)))))))));
    }

    /// <summary>
    /// The envelope earlier InterTrack sent and still takes: no <c>lang</c>, <c>Node</c> and
    /// <c>IncidentID</c> in the IODEF 2.0 namespace, the IODEF document a child of <c>RID</c>.
    /// </summary>
    public static XDocument Legacy(string msgType, XDocument iodef, string incidentId)
    {
        XNamespace rid = InterTrack.Rid.Iodef.Rid, n = InterTrack.Rid.Iodef.Ns;
        return new XDocument(new XElement(rid + "RID",
            new XElement(rid + "RIDPolicy", new XAttribute("MsgType", msgType), new XAttribute("MsgDestination", "RIDSystem"),
                new XElement(rid + "PolicyRegion", new XAttribute("region", "PeerToPeer")),
                new XElement(n + "Node", new XElement(n + "Address", new XAttribute("category", "asn"), "64512")),
                new XElement(rid + "TrafficType", new XAttribute("type", "Attack")),
                new XElement(n + "IncidentID", new XAttribute("name", "csirt.example"), incidentId)),
            new XElement(iodef.Root!)));
    }
}
