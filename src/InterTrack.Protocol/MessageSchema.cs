using System.Xml;
using System.Xml.Schema;

namespace InterTrack.Protocol;

/// <summary>
/// The project's own schema of the InterTrack message set (Protocol/InterTrack.xsd, embedded).
/// It declares the same elements, order and constraints as the published reference schema,
/// because that is the wire format.
/// </summary>
public static class MessageSchema
{
    internal const string ResourceName = "InterTrack.Protocol.InterTrack.xsd";

    /// <summary>A freshly compiled schema set (XmlSchemaSet is not thread-safe; callers keep their own).</summary>
    public static XmlSchemaSet Load()
    {
        using var stream = typeof(MessageSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded schema {ResourceName} is missing");
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        var set = new XmlSchemaSet { XmlResolver = null };
        set.Add(null, reader);
        set.Compile();
        return set;
    }

    /// <summary>The schema text, for operators and other implementations (<c>intertrack schema</c>).</summary>
    public static string Text()
    {
        using var stream = typeof(MessageSchema).Assembly.GetManifestResourceStream(ResourceName)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
