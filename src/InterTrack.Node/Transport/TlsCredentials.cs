using System.Security.Cryptography.X509Certificates;
using InterTrack.Pki;

namespace InterTrack.Transport;

/// <summary>A node's certificate and key, and the federation CA it trusts for its peers.</summary>
public sealed class TlsCredentials : IDisposable
{
    public TlsCredentials(X509Certificate2 certificate, X509Certificate2 federationCa)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("the node certificate has no private key", nameof(certificate));
        }
        Certificate = certificate;
        FederationCa = federationCa;
        Identity = CertificateIdentity.Read(certificate)
            ?? throw new ArgumentException("the node certificate binds no InterTrack identity (urn:intertrack:asN:role)", nameof(certificate));
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2 FederationCa { get; }

    /// <summary>The federation's revocation list peers are checked against; null checks none.</summary>
    public RevocationList? Revoked { get; init; }

    /// <summary>This node's AS and role, as its own certificate states them.</summary>
    public NodeIdentity Identity { get; }

    /// <summary>New credentials straight from a CA held in memory (emulations, benchmarks), valid from five minutes ago.</summary>
    /// <param name="hosts">DNS names and IP addresses to name beside the identity (see <see cref="CertificateAuthority.Issue"/>).</param>
    public static TlsCredentials Issue(CertificateAuthority ca, NodeIdentity identity, TimeSpan validity, IEnumerable<string>? hosts = null)
    {
        var now = DateTimeOffset.UtcNow;
        return new(ca.Issue(identity, now.AddMinutes(-5), now + validity, hosts), X509CertificateLoader.LoadCertificate(ca.Certificate.RawData));
    }

    /// <param name="crlPath">The federation's CRL (default: <c>ca.crl</c> beside the CA certificate, used when it exists or appears).</param>
    /// <exception cref="FormatException">The CRL is not one signed by the CA.</exception>
    public static TlsCredentials Load(string certificatePath, string keyPath, string caPath, string? crlPath = null)
    {
        var ca = PemFiles.LoadCertificate(caPath);
        return new(PemFiles.LoadCertificateWithKey(certificatePath, keyPath), ca)
        {
            Revoked = new RevocationList(crlPath ?? RevocationList.BesideCa(caPath), ca),
        };
    }

    public void Dispose()
    {
        Certificate.Dispose();
        FederationCa.Dispose();
    }
}
