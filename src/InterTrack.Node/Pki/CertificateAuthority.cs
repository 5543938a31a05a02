using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace InterTrack.Node.Pki;

/// <summary>
/// The federation CA: a self-signed ECDSA P-256 root that issues node certificates binding an
/// AS number and a role (see <see cref="NodeIdentity"/>). Node certificates are good for both
/// TLS server and client authentication, since managers both accept and open connections.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public static CertificateAuthority Create(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(name)}, O=InterTrack"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new CertificateAuthority(request.CreateSelfSigned(notBefore, notAfter));
    }

    public static CertificateAuthority Load(string certificatePemPath, string keyPemPath) =>
        new(X509Certificate2.CreateFromPemFile(certificatePemPath, keyPemPath));

    /// <summary>Issues a certificate (with its new private key) for one node.</summary>
    /// <param name="hosts">
    /// DNS names and IP addresses the node is reached at, named beside its identity (SAN DNS/IP),
    /// so that HTTPS clients that check the host name (RID agents) accept it; peers are matched by
    /// the identity alone.
    /// </param>
    /// <exception cref="ArgumentException">A host is neither a DNS name nor an IP address.</exception>
    public X509Certificate2 Issue(NodeIdentity identity, DateTimeOffset notBefore, DateTimeOffset notAfter, IEnumerable<string>? hosts = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(
            new X500DistinguishedName($"CN=AS{identity.AsNumber} {identity.RoleName}, OU={identity.RoleName}, O=InterTrack"),
            key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(identity.ToUri());
        foreach (string host in hosts ?? [])
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else if (IsDnsName(host))
            {
                names.AddDnsName(host);
            }
            else
            {
                throw new ArgumentException($"'{host}' is neither a DNS name nor an IP address", nameof(hosts));
            }
        }
        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client auth
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));

        // A node certificate cannot be valid outside its CA's validity.
        if (notBefore < Certificate.NotBefore)
        {
            notBefore = Certificate.NotBefore;
        }
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
        }
        Span<byte> serial = stackalloc byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F; // positive
        using var issued = request.Create(Certificate, notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Whether a certificate can name <paramref name="host"/>: an IP address, or a DNS name (letters, digits, hyphens, dots).</summary>
    public static bool IsHostName(string host) => IPAddress.TryParse(host, out _) || IsDnsName(host);

    private static bool IsDnsName(string host) => Uri.CheckHostName(host) == UriHostNameType.Dns;

    public void Dispose() => Certificate.Dispose();

    private static string Escape(string value) => value.Replace("\"", "", StringComparison.Ordinal).Replace(",", " ", StringComparison.Ordinal);
}
