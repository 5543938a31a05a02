using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using InterTrack.Node.Transport;

namespace InterTrack.Rid;

/// <summary>
/// Posts RID messages as RFC 6546 says: HTTP/1.1 POST to the agent's URL, <c>application/rid+xml</c>,
/// over TLS with our certificate, the agent's certificate checked against the federation CA (not
/// the system's trust store). Used by <c>intertrack rid send</c> and by the gateway's callbacks.
/// </summary>
public sealed class RidClient : IDisposable
{
    public const string MediaType = "application/rid+xml";

    private readonly HttpClient _http;

    public RidClient(TlsCredentials credentials, TimeSpan timeout)
    {
        var authenticator = new PeerAuthenticator(credentials.FederationCa, _ => true, revoked: credentials.Revoked, peerIsServer: true);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { credentials.Certificate },
                RemoteCertificateValidationCallback = (_, certificate, _, _) => authenticator.Authenticate(certificate, out _) is not null,
            },
            ConnectTimeout = timeout,
        };
        _http = new HttpClient(handler) { Timeout = timeout };
    }

    /// <returns>The HTTP status and the RID document answered (null when the body is empty).</returns>
    /// <exception cref="HttpRequestException">The agent cannot be reached, or refused our certificate.</exception>
    public async Task<(HttpStatusCode Status, string? Body)> PostAsync(Uri url, XDocument message, CancellationToken cancellationToken)
    {
        using var content = new StringContent(message.ToString(SaveOptions.DisableFormatting), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaType) { CharSet = "utf-8" };
        using var response = await _http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, body.Length == 0 ? null : body);
    }

    public void Dispose() => _http.Dispose();
}
