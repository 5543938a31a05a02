using System.Globalization;
using System.Xml.Linq;

namespace InterTrack.Rid;

/// <summary>
/// A RID message (RFC 6545): the <c>RID</c> element with its <c>RIDPolicy</c> (<c>MsgType</c>,
/// <c>MsgDestination</c>, <c>PolicyRegion</c>, the sender's <c>Node</c>, <c>TrafficType</c>,
/// <c>IncidentID</c>), a <c>RequestStatus</c> in acknowledgements, and the IODEF document it
/// carries. Decision (docs/interop.md): the IODEF document travels inside the RID element, as its
/// last child, so one HTTP body is one well-formed document; on receipt an IODEF-Document is taken
/// from anywhere in the body.
/// </summary>
public sealed record RidMessage(string MsgType, string? IncidentName, string? IncidentId, XElement? IodefDocument)
{
    /// <summary>Message types that ask for a trace: RFC 6545's Request, and RFC 6045's TraceRequest and Investigation, still sent.</summary>
    public static readonly IReadOnlySet<string> TraceRequests = new HashSet<string>(StringComparer.Ordinal) { "Request", "TraceRequest", "Investigation" };

    /// <summary>Reads a parsed RID document.</summary>
    /// <exception cref="FormatException">It is not a RID message (the message says what is missing).</exception>
    public static RidMessage From(XDocument document)
    {
        var root = document.Root;
        if (root is null || root.Name.LocalName != "RID" || !root.Name.NamespaceName.StartsWith("urn:ietf:params:xml:ns:iodef-rid-", StringComparison.Ordinal))
        {
            throw new FormatException($"not a RID message: the root element is {root?.Name.LocalName ?? "missing"}, not iodef-rid:RID");
        }
        var policy = root.Elements().FirstOrDefault(e => e.Name.LocalName == "RIDPolicy")
            ?? throw new FormatException("not a RID message: no RIDPolicy");
        string msgType = (string?)policy.Attribute("MsgType") ?? throw new FormatException("RIDPolicy has no MsgType");
        var incidentId = policy.Elements().FirstOrDefault(e => e.Name.LocalName == "IncidentID");
        var iodef = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "IODEF-Document");
        return new RidMessage(msgType, (string?)incidentId?.Attribute("name"), incidentId?.Value, iodef);
    }

    /// <summary>A RID message of <paramref name="msgType"/> from the gateway of <paramref name="selfAs"/>, with an optional status and IODEF document.</summary>
    public static XDocument Build(string msgType, uint selfAs, string incidentName, string incidentId, XElement? requestStatus = null, XDocument? iodef = null)
    {
        XNamespace rid = Iodef.Rid, n = Iodef.Ns;
        return new XDocument(new XElement(rid + "RID",
            new XAttribute(XNamespace.Xmlns + "iodef-rid", Iodef.Rid.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "iodef", Iodef.Ns.NamespaceName),
            new XElement(rid + "RIDPolicy",
                new XAttribute("MsgType", msgType),
                new XAttribute("MsgDestination", "RIDSystem"),
                new XElement(rid + "PolicyRegion", new XAttribute("region", "PeerToPeer")),
                new XElement(n + "Node", new XElement(n + "Address", new XAttribute("category", "asn"), selfAs.ToString(CultureInfo.InvariantCulture))),
                new XElement(rid + "TrafficType", new XAttribute("type", "Attack")),
                new XElement(n + "IncidentID", new XAttribute("name", incidentName), incidentId)),
            requestStatus,
            iodef?.Root));
    }

    /// <summary>An Acknowledgement: the request is <paramref name="authorization"/> (Approved, Denied, Pending) for <paramref name="justification"/>.</summary>
    public static XDocument Acknowledgement(uint selfAs, string incidentName, string incidentId, string authorization, string? justification, string why) =>
        Build("Acknowledgement", selfAs, incidentName, incidentId, new XElement(Iodef.Rid + "RequestStatus",
            new XAttribute("AuthorizationStatus", authorization),
            justification is null ? null : new XAttribute("Justification", justification),
            new XComment($" {why.Replace("--", "- -", StringComparison.Ordinal)} ")));
}
