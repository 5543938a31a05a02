using System.Xml;
using System.Xml.Linq;

namespace InterTrack.Rid;

/// <summary>
/// Parses documents from outside as strictly as the InterTrack codec does: no DTD (so no entity
/// expansion and no external entities), no resolver, and a bound on the characters read.
/// </summary>
public static class SafeXml
{
    /// <exception cref="XmlException">Not well-formed, has a DTD, or is longer than <paramref name="maxCharacters"/>.</exception>
    public static XDocument Parse(Stream body, long maxCharacters)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        using var reader = XmlReader.Create(body, settings);
        return XDocument.Load(reader, LoadOptions.None);
    }
}
