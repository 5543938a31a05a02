using InterTrack.Cli;
using InterTrack.Pki;
using InterTrack.Transport;

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
