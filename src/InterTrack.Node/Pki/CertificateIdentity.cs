using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace InterTrack.Node.Pki;

/// <summary>Reads the <see cref="NodeIdentity"/> a certificate binds (its SAN URI).</summary>
public static class CertificateIdentity
{
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>The single InterTrack identity in the certificate; null when it has none or several.</summary>
    public static NodeIdentity? Read(X509Certificate2 certificate)
    {
        NodeIdentity? found = null;
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17")
            {
                continue;
            }
            foreach (var uri in Uris(extension.RawData))
            {
                if (NodeIdentity.TryParseUri(uri, out var identity))
                {
                    if (found is not null && found != identity)
                    {
                        return null; // ambiguous: refuse rather than pick one
                    }
                    found = identity;
                }
            }
        }
        return found;
    }

    private static List<string> Uris(byte[] subjectAltName)
    {
        var uris = new List<string>();
        try
        {
            var names = new AsnReader(subjectAltName, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(UriTag))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            uris.Clear(); // a damaged extension binds nothing
        }
        return uris;
    }
}
