using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using InterTrack.Node.Pki;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Node.Transport;

/// <summary>Handles one message received on a connection; replies go back through the connection.</summary>
public delegate ValueTask MessageHandler(MessageConnection connection, Protocol.Model.InterTrackMessage message, CancellationToken cancellationToken);

/// <summary>
/// Accepts connections, authenticates peers (mutual TLS, or none for the legacy plain port),
/// and feeds their messages to a handler, one connection per task. A misbehaving peer affects
/// only its own connection. Connections in their handshake are bounded in all and per source
/// address, apart from the authenticated ones, so idle sockets cannot lock peers out.
/// </summary>
public sealed class MessageListener : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly TlsCredentials? _tls;
    private readonly PeerAuthenticator? _authenticator;
    private readonly NodeIdentity _local;
    private readonly MessageHandler _handler;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _slots;
    private readonly Dictionary<IPAddress, int> _pendingBySource = [];
    private readonly Dictionary<IPAddress, long> _refusedBySource = [];
    private readonly TimeProvider _time;
    private int _pending;
    private readonly Task _acceptLoop;

    private MessageListener(IPEndPoint endPoint, TlsCredentials? tls, PeerAuthenticator? authenticator, NodeIdentity local,
        MessageHandler handler, TransportOptions options, ILogger? logger, TimeProvider? time)
    {
        options.Validate();
        _time = time ?? TimeProvider.System;
        _tls = tls;
        _authenticator = authenticator;
        _local = local;
        _handler = handler;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _slots = new SemaphoreSlim(options.MaxConnections);
        _listener = new TcpListener(endPoint);
        _listener.Start();
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        TransportLog.Listening(_logger, LocalEndPoint, tls is null ? "plain TCP" : "mutual TLS");
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>A mutual-TLS listener that admits the peers <paramref name="isAllowed"/> accepts.</summary>
    public static MessageListener StartTls(IPEndPoint endPoint, TlsCredentials credentials, Func<NodeIdentity, bool> isAllowed,
        MessageHandler handler, TransportOptions? options = null, ILogger? logger = null, TimeProvider? time = null) =>
        new(endPoint, credentials, new PeerAuthenticator(credentials.FederationCa, isAllowed, time, credentials.Revoked, peerIsServer: false),
        credentials.Identity,
            handler, options ?? TransportOptions.Default, logger, time);

    /// <summary>
    /// A plain-TCP listener for legacy Traceback Clients of the D Point. Its peers are not
    /// authenticated, so it binds to loopback unless <paramref name="bindAddress"/> says otherwise.
    /// </summary>
    public static MessageListener StartPlain(int port, NodeIdentity local, MessageHandler handler, IPAddress? bindAddress = null,
        TransportOptions? options = null, ILogger? logger = null) =>
        new(new IPEndPoint(bindAddress ?? IPAddress.Loopback, port), null, null, local, handler, options ?? TransportOptions.Default, logger, null);

    private async Task AcceptLoopAsync()
    {
        var connections = new List<Task>();
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }
            var source = (socket.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
            if (!TryStartHandshake(source))
            {
                socket.Dispose();
                continue;
            }
            connections.RemoveAll(t => t.IsCompleted);
            connections.Add(Task.Run(() => ServeAsync(socket, source)));
        }
        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    /// <summary>Counts a new connection as pending its handshake, unless too many are pending in all or from its address.</summary>
    private bool TryStartHandshake(IPAddress source)
    {
        lock (_pendingBySource)
        {
            int fromSource = _pendingBySource.GetValueOrDefault(source);
            if (_pending < _options.MaxPendingHandshakes && fromSource < _options.MaxPendingPerSource)
            {
                _pending++;
                _pendingBySource[source] = fromSource + 1;
                return true;
            }
            if (_refusedBySource.Count >= 10_000)
            {
                _refusedBySource.Clear(); // a flood from many addresses: forget the counts rather than grow
            }
            long refused = _refusedBySource[source] = _refusedBySource.GetValueOrDefault(source) + 1;
            Telemetry.NodeMetrics.HandshakeRefused(_local.RoleName, "too_many_pending");
            if ((refused & (refused - 1)) == 0) // the 1st, 2nd, 4th, 8th … refusal: a flood is logged, not echoed
            {
                TransportLog.TooManyPending(_logger, source, fromSource, _pending, refused);
            }
            return false;
        }
    }

    /// <summary>Tells a refused peer why, then closes, reading what it sent so the close is no reset that loses the reply.</summary>
    private async Task RefuseAsync(MessageConnection connection, string told, string logged)
    {
        await connection.SendErrorAsync(ErrorType.RefusedAuth, told).ConfigureAwait(false);
        await connection.CloseAsync(logged, drainInput: true).ConfigureAwait(false);
        TransportLog.PeerRefused(_logger, connection.RemoteEndPoint, logged);
    }

    /// <summary>Whether the first byte the peer sent is '&lt;': an XML document in plain TCP rather than a TLS ClientHello.</summary>
    private static async Task<bool> IsPlainXmlAsync(Socket socket, CancellationToken cancellationToken)
    {
        var first = new byte[1];
        try
        {
            return await socket.ReceiveAsync(first, SocketFlags.Peek, cancellationToken).ConfigureAwait(false) == 1 && first[0] == (byte)'<';
        }
        catch (SocketException)
        {
            return false; // the handshake will fail and say so
        }
    }

    private void HandshakeEnded(IPAddress source)
    {
        lock (_pendingBySource)
        {
            _pending--;
            if (--_pendingBySource[source] == 0)
            {
                _pendingBySource.Remove(source);
            }
        }
    }

    private async Task ServeAsync(Socket socket, IPAddress source)
    {
        MessageConnection? connection;
        try
        {
            socket.NoDelay = true;
            connection = await HandshakeAsync(socket, socket.RemoteEndPoint).ConfigureAwait(false);
        }
        finally
        {
            HandshakeEnded(source);
        }
        if (connection is null)
        {
            return;
        }
        await using (connection.ConfigureAwait(false))
        {
            if (!_slots.Wait(0))
            {
                TransportLog.TooManyConnections(_logger, connection.RemoteEndPoint);
                return;
            }
            try
            {
                await ServeMessagesAsync(connection).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }
    }

    private async Task<MessageConnection?> HandshakeAsync(Socket socket, EndPoint? endPoint)
    {
        var network = new NetworkStream(socket, ownsSocket: true);
        if (_tls is null)
        {
            return new MessageConnection(network, _local, null, endPoint, _options, _logger, _time);
        }
        using var timer = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, timer.Token);
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        PeerCheck? client = null;
        var serverOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(_tls.Certificate, null, offline: true),
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            // A trusted peer we do not admit is told why below, over TLS.
            RemoteCertificateValidationCallback = (_, certificate, _, _) => (client = _authenticator!.Check(certificate)).Trusted,
        };
        try
        {
            if (await IsPlainXmlAsync(socket, timeout.Token).ConfigureAwait(false))
            {
                // A legacy client on the TLS port: tell it so in its own terms, then close.
                Telemetry.NodeMetrics.HandshakeRefused(_local.RoleName, "plain_tcp");
                await RefuseAsync(new MessageConnection(network, _local, null, endPoint, _options, _logger, _time),
                    "this port speaks mutual TLS; plain TCP clients use the D Point's legacy port", "plain TCP on the TLS port").ConfigureAwait(false);
                await ssl.DisposeAsync().ConfigureAwait(false);
                return null;
            }
            await ssl.AuthenticateAsServerAsync(serverOptions, timeout.Token).ConfigureAwait(false);
            var connection = new MessageConnection(ssl, _local, client?.Admitted, endPoint, _options, _logger, _time);
            if (client?.Admitted is null)
            {
                Telemetry.NodeMetrics.HandshakeRefused(_local.RoleName, "not_admitted");
                await RefuseAsync(connection, $"refused: {client?.Reason}", client?.Reason ?? "not admitted").ConfigureAwait(false);
                return null;
            }
            return connection;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            TransportLog.PeerRefused(_logger, endPoint, Failure(client, e));
            Telemetry.NodeMetrics.HandshakeRefused(_local.RoleName, client is { Admitted: null } ? "untrusted" : "failed");
            await ssl.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Why a client's handshake failed, for the log: which client we refused and why, or that it refused us.</summary>
    private string Failure(PeerCheck? client, Exception e) => client switch
    {
        { UnknownCa: true } => $"{client.Claimed?.ToString() ?? "a client of no InterTrack identity"}: its certificate is not signed by the CA we trust "
            + $"({_tls!.CaName}): it needs a certificate of this federation",
        { Admitted: null } => $"{client.Claimed?.ToString() ?? "a client of no InterTrack identity"}: {client.Reason}",
        _ when e is OperationCanceledException && !_stopping.IsCancellationRequested =>
            $"no TLS handshake within {_options.HandshakeTimeout.TotalSeconds:0.#} s",
        null when e is AuthenticationException => $"the client broke off the TLS handshake before showing its certificate ({e.Message}): "
            + $"it does not trust ours ({_tls!.CertificateName}), or speaks no TLS; its CA must be ours ({_tls.CaName})",
        _ => $"the TLS handshake failed: {e.Message}",
    };

    private async Task ServeMessagesAsync(MessageConnection connection)
    {
        while (await connection.ReceiveAsync(_stopping.Token).ConfigureAwait(false) is { } message)
        {
            try
            {
                await _handler(connection, message, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A handler bug must not take the listener down; the peer learns only that it failed.
                TransportLog.HandlerFailed(_logger, connection.RemoteIdentity?.ToString() ?? "peer", e);
                try
                {
                    await connection.SendErrorAsync(Protocol.Model.ErrorType.UnknownError, "internal error").ConfigureAwait(false);
                }
                catch (IOException)
                {
                    break;
                }
            }
        }
    }

    private int _disposed;

    /// <summary>Takes no new connections; those open go on being served until <see cref="DisposeAsync"/>.</summary>
    public void StopAccepting() => _listener.Stop();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        _stopping.Dispose();
        _slots.Dispose();
    }
}
