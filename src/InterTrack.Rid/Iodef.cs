using System.Xml.Linq;

namespace InterTrack.Rid;

/// <summary>The namespaces of IODEF 2.0 (RFC 7970) and RID 2.0 (RFC 6545).</summary>
public static class Iodef
{
    public static readonly XNamespace Ns = "urn:ietf:params:xml:ns:iodef-2.0";

    public static readonly XNamespace Rid = "urn:ietf:params:xml:ns:iodef-rid-2.0";

    /// <summary>IODEF 1.0 (RFC 5070), whose Node, IncidentID and ExtensionType the RID schema uses; deployed agents still send 1.0 documents.</summary>
    public static readonly XNamespace Ns1 = "urn:ietf:params:xml:ns:iodef-1.0";

    /// <summary>xs:dateTime in UTC, as IODEF's time elements take it.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'",
        System.Globalization.CultureInfo.InvariantCulture);
}
