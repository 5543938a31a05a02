using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace InterTrack.Tests.Rid;

/// <summary>
/// What a validating RID agent checks: the RID envelope against RFC 6545's schema (modelled in
/// iodef-rid-2.0-rules.xsd, with the IODEF 1.0 classes it imports) and the IODEF 2.0 document it
/// carries against RFC 7970's rules (iodef-2.0-rules.xsd). The RID schema's imports are resolved
/// by their published locations to the files here; any other location is refused, so nothing is
/// fetched.
/// </summary>
internal static class RidSchemas
{
    private static readonly string Dir = Path.Combine(RepositoryPaths.Root, "tests", "InterTrack.Tests", "Rid");

    private static readonly Lazy<XmlSchemaSet> Set = new(Load);

    /// <summary>The validation errors of <paramref name="document"/> (empty when it is valid), each with where it was found.</summary>
    public static List<string> Errors(XDocument document)
    {
        var errors = new List<string>();
        // Validating annotates the tree; a copy leaves the caller's document as it was.
        new XDocument(document).Validate(Set.Value,
            (sender, e) => errors.Add($"{(sender as XObject)?.Parent?.Name.LocalName}/{(sender as XElement)?.Name.LocalName}: {e.Message}"));
        return errors;
    }

    private static XmlSchemaSet Load()
    {
        var set = new XmlSchemaSet { XmlResolver = new ImportResolver() };
        set.Add(null, Path.Combine(Dir, "iodef-rid-2.0-rules.xsd"));
        set.Add(null, Path.Combine(Dir, "iodef-2.0-rules.xsd"));
        set.Compile();
        return set;
    }

    /// <summary>Maps the RID schema's imports (IODEF 1.0 by its URN, XML Signature by its W3C URL) to the local files.</summary>
    private sealed class ImportResolver : XmlResolver
    {
        public override object GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn)
        {
            string file = absoluteUri.AbsoluteUri switch
            {
                "urn:ietf:params:xml:schema:iodef-1.0" => "iodef-1.0-rules.xsd",
                "http://www.w3.org/TR/2002/REC-xmldsig-core-20020212/xmldsig-core-schema.xsd" => "xmldsig-stub.xsd",
                _ when absoluteUri.IsFile && Path.GetDirectoryName(Path.GetFullPath(absoluteUri.LocalPath)) == Path.GetFullPath(Dir)
                => Path.GetFileName(absoluteUri.LocalPath),
                _ => throw new XmlException($"the test schemas import {absoluteUri}, which is not kept here"),
            };
            return File.OpenRead(Path.Combine(Dir, file));
        }
    }
}
