using System.Security.Cryptography.X509Certificates;
using InterTrack.Node.Pki;

namespace InterTrack.Node.Transport;

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

    /// <summary>Where the credentials were loaded from; null when made in memory.</summary>
    public CredentialFiles? Files { get; init; }

    /// <summary>The CA as the user named it (<c>--ca FILE</c>, <c>ca: FILE</c>), for messages about peers it does not sign.</summary>
    public string CaName => Files?.Ca.Label ?? "the federation CA";

    /// <summary>Our certificate as the user named it, for messages about peers that refuse it.</summary>
    public string CertificateName => Files?.Certificate.Label ?? $"the certificate of {Identity}";

    /// <summary>A node's files as <c>--cert</c>, <c>--key</c>, <c>--ca</c> and <c>--crl</c> name them.</summary>
    public static TlsCredentials Load(string certificatePath, string keyPath, string caPath, string? crlPath = null) =>
        Load(CredentialFiles.ClientOptions(certificatePath, keyPath, caPath, crlPath) with { Wanted = "a node certificate from 'intertrack pki issue'" });

    /// <summary>Loads and checks the files; the CRL is <c>ca.crl</c> beside the CA unless named, used when it exists or appears.</summary>
    /// <exception cref="FormatException">A file is missing or wrong, the key is not the certificate's, or the CRL is not one signed
    /// by the CA: the message names the option or field and the file, and what to give instead.</exception>
    public static TlsCredentials Load(CredentialFiles files)
    {
        var ca = PemFiles.LoadCa(files.Ca);
        X509Certificate2? certificate = null;
        try
        {
            certificate = PemFiles.LoadCertificateWithKey(files.Certificate, files.Key, files.Wanted);
            if (CertificateIdentity.Read(certificate) is null)
            {
                throw new FormatException($"{files.Certificate}: binds no InterTrack identity (urn:intertrack:asN:role), so it is no node " +
                    $"certificate; give {files.Wanted}");
            }
            RevocationList revoked;
            try
            {
                revoked = new RevocationList(files.Crl?.Path ?? RevocationList.BesideCa(files.Ca.Path), ca);
            }
            catch (FormatException e)
            {
                throw new FormatException($"{files.Crl?.Label ?? $"the CRL beside {files.Ca}"}: {e.InnerException?.Message ?? e.Message}", e);
            }
            return new(certificate, ca) { Revoked = revoked, Files = files };
        }
        catch
        {
            certificate?.Dispose();
            ca.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Certificate.Dispose();
        FederationCa.Dispose();
    }
}
