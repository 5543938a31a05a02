using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using InterTrack.Node.Pki;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Node.Transport;

/// <summary>Opens connections to peers: mutual TLS to exactly the expected identity, or plain TCP for legacy use.</summary>
public static class MessageClient
{
    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/> and accepts the server only if
    /// its certificate chains to our federation CA and binds <paramref name="expectedPeer"/>.
    /// </summary>
    /// <exception cref="AuthenticationException">The server is not who we expected (then its inner exception is an
    /// <see cref="UnexpectedPeerException"/>), refused us, or speaks no TLS; the message says which side refused whom.</exception>
    /// <exception cref="IOException">Could not connect in time.</exception>
    public static async Task<MessageConnection> ConnectTlsAsync(string host, int port, NodeIdentity expectedPeer, TlsCredentials credentials,
        TransportOptions? options = null, ILogger? logger = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        options ??= TransportOptions.Default;
        var socket = await ConnectSocketAsync(host, port, options, cancellationToken).ConfigureAwait(false);
        var authenticator = new PeerAuthenticator(credentials.FederationCa, id => id == expectedPeer, time, credentials.Revoked, peerIsServer: true);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        PeerCheck? server = null;
        var clientOptions = new SslClientAuthenticationOptions
        {
            TargetHost = $"as{expectedPeer.AsNumber}-{expectedPeer.RoleName}",
            ClientCertificateContext = SslStreamCertificateContext.Create(credentials.Certificate, null, offline: true),
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => (server = authenticator.Check(certificate)).Admitted is not null,
        };
        using var timer = new CancellationTokenSource(options.HandshakeTimeout, time ?? TimeProvider.System);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            await ssl.AuthenticateAsClientAsync(clientOptions, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new AuthenticationException(Failure($"{host}:{port}", expectedPeer, credentials, server, e, options.HandshakeTimeout),
                server is { Trusted: true, Admitted: null, Claimed: { } presented } ? new UnexpectedPeerException(expectedPeer, presented, e) : e);
        }
        return new MessageConnection(ssl, credentials.Identity, expectedPeer, socket.RemoteEndPoint, options, logger ?? NullLogger.Instance, time);
    }

    /// <summary>Why a handshake failed, as who refused whom: we the server's certificate, the server ours, or no TLS at all.</summary>
    private static string Failure(string at, NodeIdentity expected, TlsCredentials credentials, PeerCheck? server, Exception e, TimeSpan handshakeTimeout)
        => server switch
    {
        { UnknownCa: true } => $"the certificate of {at} ({server.Claimed?.ToString() ?? "no InterTrack identity"}) is not signed by {credentials.CaName}: "
            + "use the federation's CA certificate",
        { Trusted: true, Admitted: null } => $"refused {at}: {server.Reason}; expected {expected} there",
        { Admitted: null } => $"refused the certificate of {at} ({server.Claimed?.ToString() ?? "no InterTrack identity"}): {server.Reason}",
        _ when e is OperationCanceledException => $"{at} did not answer the TLS handshake within {handshakeTimeout.TotalSeconds:0.#} s: "
            + "it is not an InterTrack node, or a plain-TCP service",
        { } => $"{at} ({expected}) refused our certificate {credentials.CertificateName} ({credentials.Identity}): {e.Message}",
        null => $"{at} did not answer the TLS handshake ({e.Message}): it is not an InterTrack node, or a plain-TCP service",
    };

    /// <summary>Plain TCP, for the legacy client port of a D Point. <paramref name="local"/> names us in error replies.</summary>
    public static async Task<MessageConnection> ConnectPlainAsync(string host, int port, NodeIdentity local,
        TransportOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        options ??= TransportOptions.Default;
        var socket = await ConnectSocketAsync(host, port, options, cancellationToken).ConfigureAwait(false);
        return new MessageConnection(new NetworkStream(socket, ownsSocket: true), local, null, socket.RemoteEndPoint, options,
            logger ?? NullLogger.Instance);
    }

    private static async Task<Socket> ConnectSocketAsync(string host, int port, TransportOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw new IOException($"cannot connect to {host}:{port}: {e.Message}", e);
        }
    }
}
