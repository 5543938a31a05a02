using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Rid;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Tests.Rid;

/// <summary>
/// An ordinary HTTPS client — the system's certificate checks, host name included, against the
/// federation CA as its only root — reaches a RID gateway whose dp certificate was issued with
/// <c>pki issue --host</c>, and refuses one issued without.
/// </summary>
public sealed class RidGatewayCertificateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-rid-cert-").FullName;

    private string Ca => Path.Combine(_dir, "ca");

    [Fact]
    public async Task A_client_checking_the_host_name_accepts_the_gateway_certificate_issued_for_that_host()
    {
        Cli("pki", "init", "--out", Ca);
        var issued = Cli("pki", "issue", "--ca", Ca, "--as", "65001", "--role", "dp", "--out", Path.Combine(_dir, "named"), "--host", "127.0.0.1", "localhost");
        Assert.Contains("hosts: 127.0.0.1, localhost", issued, StringComparison.Ordinal);
        Cli("pki", "issue", "--ca", Ca, "--as", "65001", "--role", "dp", "--out", Path.Combine(_dir, "bare"));
        Cli("pki", "issue", "--ca", Ca, "--as", "65001", "--role", "tc", "--out", Path.Combine(_dir, "client"));
        using var http = PlainClient();

        await using (var named = await GatewayAsync("named"))
        {
            foreach (string host in new[] { "127.0.0.1", "localhost" })
            {
                using var answer = await http.GetAsync(new Uri($"https://{host}:{named.LocalEndPoint.Port}/"));
                Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.StatusCode); // through TLS: the gateway answered
            }
        }

        await using var bare = await GatewayAsync("bare");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"https://127.0.0.1:{bare.LocalEndPoint.Port}/")));
        Assert.IsType<AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public void A_host_that_is_neither_a_dns_name_nor_an_ip_address_is_refused_in_one_line_and_nothing_is_written()
    {
        Cli("pki", "init", "--out", Ca);
        string nodes = Path.Combine(_dir, "nodes");
        var (code, _, error) = CliRunner.Run("pki", "issue", "--ca", Ca, "--as", "65001", "--role", "dp", "--out", nodes, "--host", "rid gateway");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --host: 'rid gateway' is neither a DNS name nor an IP address.", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(nodes) && Directory.EnumerateFiles(nodes).Any());
    }

    /// <summary>A gateway on a free loopback port serving with the dp certificate in <paramref name="dir"/>; its D Point is never asked.</summary>
    private async Task<RidGateway> GatewayAsync(string dir)
    {
        var options = new RidGatewayOptions(new IPEndPoint(IPAddress.Loopback, 0), ("127.0.0.1", FreePort.Pick()), TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(1),
            new Dictionary<uint, Uri>());
        var gateway = new RidGateway(options, Credentials(Path.Combine(_dir, dir, "as65001-dp")), Credentials(Path.Combine(_dir, "client", "as65001-tc")),
            NullLoggerFactory.Instance);
        await gateway.StartAsync();
        return gateway;
    }

    private TlsCredentials Credentials(string stem) => TlsCredentials.Load(stem + ".crt", stem + ".key", Path.Combine(Ca, "ca.crt"));

    /// <summary>
    /// HttpClient with the platform's validation (chain, validity, host name), the federation CA its only root, and a
    /// tc certificate to present.
    /// </summary>
    private HttpClient PlainClient() => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = new X509CertificateCollection { PemFiles.LoadCertificateWithKey(
                NamedFile.Option("--cert", Path.Combine(_dir, "client", "as65001-tc.crt")),
                NamedFile.Option("--key", Path.Combine(_dir, "client", "as65001-tc.key")),
                "a Traceback Client certificate") },
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { PemFiles.LoadCertificate(Path.Combine(Ca, "ca.crt")) },
                RevocationMode = X509RevocationMode.NoCheck, // the federation's CRL is a file, not a published URL
            },
        },
    }) { Timeout = TimeSpan.FromSeconds(30) };

    private static string Cli(params string[] args)
    {
        var (code, output, error) = CliRunner.Run(args);
        Assert.True(code == 0, $"intertrack {string.Join(' ', args)}: {error}");
        return output;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
