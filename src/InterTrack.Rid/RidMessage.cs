using System.Globalization;
using System.Xml.Linq;

namespace InterTrack.Rid;

/// <summary>
/// A RID message (RFC 6545) as its schema (iodef-rid-2.0.xsd) has it: the <c>RID</c> element
/// (<c>lang</c>) with its <c>RIDPolicy</c> — <c>MsgType</c>, <c>MsgDestination</c>,
/// <c>PolicyRegion</c>, the sender's <c>Node</c>, the IODEF document in
/// <c>ReportSchema/XMLDocument</c>, <c>TrafficType</c>, <c>IncidentID</c>; <c>Node</c> and
/// <c>IncidentID</c> are IODEF 1.0 classes, as the RID schema imports them — and a
/// <c>RequestStatus</c> in acknowledgements. The IODEF document itself is IODEF 2.0 (RFC 7970).
/// On receipt the older forms are read too: an <c>IODEF-Document</c> anywhere in the body, and an
/// <c>IncidentID</c> of any IODEF namespace.
/// </summary>
public sealed record RidMessage(string MsgType, string? IncidentName, string? IncidentId, XElement? IodefDocument)
{
    /// <summary>
    /// Message types that ask for a trace: RFC 6545's <c>TraceRequest</c> and
    /// <c>InvestigationRequest</c>, and <c>Request</c> and <c>Investigation</c>, which earlier
    /// InterTrack clients and agents following RFC 6545's prose send.
    /// </summary>
    public static readonly IReadOnlySet<string> TraceRequests = new HashSet<string>(StringComparer.Ordinal)
    {
        "TraceRequest", "InvestigationRequest", "Request", "Investigation",
    };

    /// <summary>The schema's name for a trace request type: the older names map to RFC 6545's.</summary>
    public static string SchemaType(string msgType) => msgType switch
    {
        "Request" => "TraceRequest",
        "Investigation" => "InvestigationRequest",
        _ => msgType,
    };

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

    /// <summary>
    /// A RID message of <paramref name="msgType"/> from the gateway or client of <paramref name="selfAs"/>,
    /// naming the incident when <paramref name="incidentId"/> is known, with an optional status and IODEF document.
    /// </summary>
    public static XDocument Build(string msgType, uint selfAs, string? incidentName, string? incidentId, XElement? requestStatus = null,
        XDocument? iodef = null)
    {
        XNamespace rid = Iodef.Rid, n1 = Iodef.Ns1;
        return new XDocument(new XElement(rid + "RID",
            new XAttribute(XNamespace.Xmlns + "iodef-rid", Iodef.Rid.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "iodef", Iodef.Ns1.NamespaceName),
            new XAttribute("lang", "en"),
            new XElement(rid + "RIDPolicy",
                new XAttribute("MsgType", msgType),
                new XAttribute("MsgDestination", "RIDSystem"),
                new XElement(rid + "PolicyRegion", new XAttribute("region", "PeerToPeer")),
                new XElement(n1 + "Node", new XElement(n1 + "Address", new XAttribute("category", "asn"), selfAs.ToString(CultureInfo.InvariantCulture))),
                iodef?.Root is { } document
                    ? new XElement(rid + "ReportSchema", new XElement(rid + "XMLDocument", new XAttribute("dtype", "xml"), new XElement(document)))
                    : null,
                new XElement(rid + "TrafficType", new XAttribute("type", "Attack")),
                string.IsNullOrEmpty(incidentId) ? null : new XElement(n1 + "IncidentID", new XAttribute("name", incidentName ?? ""), incidentId)),
            requestStatus));
    }

    /// <summary>
    /// A trace request (<paramref name="msgType"/>, an older name taken as RFC 6545's) carrying
    /// <paramref name="iodef"/>, under the IncidentID of its first incident (a new one when it has none).
    /// </summary>
    public static XDocument TraceRequest(string msgType, uint selfAs, XDocument iodef)
    {
        string type = SchemaType(msgType);
        if (type is not ("TraceRequest" or "InvestigationRequest"))
        {
            throw new ArgumentException($"'{msgType}' is not a RID trace request type (TraceRequest, InvestigationRequest)", nameof(msgType));
        }
        var incident = iodef.Root?.Elements(Iodef.Ns + "Incident").Elements(Iodef.Ns + "IncidentID").FirstOrDefault();
        return Build(type, selfAs, (string?)incident?.Attribute("name") ?? $"intertrack:AS{selfAs}", incident?.Value ?? Guid.NewGuid().ToString("N"),
            iodef: iodef);
    }

    /// <summary>
    /// An Acknowledgement naming the request's incident: the request is <paramref name="authorization"/> (Approved,
    /// Denied, Pending) for <paramref name="justification"/>.
    /// </summary>
    public static XDocument Acknowledgement(uint selfAs, string? incidentName, string? incidentId, string authorization, string? justification, string why) =>
        Build("Acknowledgement", selfAs, incidentName, incidentId, new XElement(Iodef.Rid + "RequestStatus",
            new XAttribute("AuthorizationStatus", authorization),
            justification is null ? null : new XAttribute("Justification", justification),
            new XComment($" {why.Replace("--", "- -", StringComparison.Ordinal)} ")));
}
