using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using InterTrack.Cli;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;

namespace InterTrack.Tests.Transport;

/// <summary>A federation CA and node certificates made with the real <c>intertrack pki</c> commands, in a temp dir.</summary>
internal sealed class TestPki : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-pki-").FullName;

    public TestPki()
    {
        Cli("pki", "init", "--out", CaDir, "--name", "Test federation");
    }

    public string CaDir => Path.Combine(_dir, "ca");

    public string CaCertificate => Path.Combine(CaDir, "ca.crt");

    public TlsCredentials Issue(uint asNumber, string role)
    {
        string nodes = Path.Combine(_dir, "nodes");
        string stem = Path.Combine(nodes, $"as{asNumber}-{role}");
        if (!File.Exists(stem + ".crt"))
        {
            Cli("pki", "issue", "--ca", CaDir, "--as", asNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), "--role", role, "--out", nodes);
        }
        return TlsCredentials.Load(stem + ".crt", stem + ".key", CaCertificate);
    }

    /// <summary>A certificate of this CA whose validity lies wholly in the past.</summary>
    public TlsCredentials IssueExpired(NodeIdentity identity)
    {
        using var ca = CertificateAuthority.Load(CaCertificate, Path.Combine(CaDir, "ca.key"));
        var start = new DateTimeOffset(ca.Certificate.NotBefore.ToUniversalTime());
        var certificate = ca.Issue(identity, start, start.AddMinutes(1)); // the CA itself is 5 minutes old
        Assert.True(certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow);
        return new TlsCredentials(certificate, PemFiles.LoadCertificate(CaCertificate));
    }

    /// <summary>A certificate of this CA for <paramref name="identity"/> whose extended key usage allows only <paramref name="usage"/>.</summary>
    public TlsCredentials IssueWithUsage(NodeIdentity identity, string usage)
    {
        using var ca = CertificateAuthority.Load(CaCertificate, Path.Combine(CaDir, "ca.key"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={identity.AsNumber}"), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(identity.ToUri());
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(ca.Certificate, now.AddMinutes(-1), now.AddDays(1), [1, 2, 3, 4, 5, 6, 7, 8]);
        return new TlsCredentials(issued.CopyWithPrivateKey(key), PemFiles.LoadCertificate(CaCertificate));
    }

    /// <summary>Revokes a node certificate issued by <see cref="Issue"/> with the real <c>intertrack pki revoke</c>.</summary>
    public string Revoke(uint asNumber, string role)
    {
        var output = new StringWriter();
        int code = IntertrackCommand.Run(["pki", "revoke", "--ca", CaDir, "--cert", Path.Combine(_dir, "nodes", $"as{asNumber}-{role}.crt")], output,
            new StringWriter());
        Assert.Equal(0, code);
        return output.ToString();
    }

    private static void Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = IntertrackCommand.Run(args, output, error);
        if (code != 0)
        {
            throw new InvalidOperationException($"intertrack {string.Join(' ', args)} failed ({code}): {error}");
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
