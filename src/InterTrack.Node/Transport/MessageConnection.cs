using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;
using InterTrack.Node.Pki;
using InterTrack.Protocol;
using InterTrack.Protocol.Framing;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Logging;

namespace InterTrack.Node.Transport;

/// <summary>
/// One authenticated conversation with a peer: XML documents back to back on a (TLS) stream.
/// Receiving enforces the idle and per-message timeouts and the protocol caps; a message that
/// cannot be accepted is answered with a generic error and, when framing is lost, the connection
/// closes. Sending goes through a bounded queue drained by one writer.
/// </summary>
public sealed class MessageConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly NodeIdentity _local;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly MessageCodec _codec;
    private readonly FrameReader _frames;
    private readonly Channel<byte[]> _sendQueue;
    private readonly Task _writer;
    private readonly CancellationTokenSource _closed = new();
    private readonly TimeProvider _time;
    private int _disposed;

    internal MessageConnection(Stream stream, NodeIdentity local, NodeIdentity? remote, EndPoint? remoteEndPoint,
        TransportOptions options, ILogger logger, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _stream = stream;
        _local = local;
        RemoteIdentity = remote;
        RemoteEndPoint = remoteEndPoint;
        _options = options;
        _logger = logger;
        _codec = new MessageCodec(options.Limits);
        _frames = new FrameReader(PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)), options.Limits);
        _sendQueue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.SendQueueCapacity) { SingleReader = true });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>This end's identity (from our certificate, or as given for a plain connection).</summary>
    public NodeIdentity LocalIdentity => _local;

    /// <summary>The peer's identity from its certificate; null on a plain (legacy) connection.</summary>
    public NodeIdentity? RemoteIdentity { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Cancelled when the connection closes, for whatever reason.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>
    /// The next valid message (one receiver at a time), or null when the connection has closed (by the peer, a timeout,
    /// or a fatal protocol error, which has already been answered).
    /// </summary>
    public async ValueTask<InterTrackMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        while (!_closed.IsCancellationRequested)
        {
            using var timer = new CancellationTokenSource(_options.IdleTimeout, _time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token, timer.Token);
            bool started = false;
            _frames.FrameStarted = () =>
            {
                started = true;
                timer.CancelAfter(_options.MessageTimeout);
            };
            byte[]? frame;
            try
            {
                frame = await _frames.ReadFrameAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (_closed.IsCancellationRequested)
                {
                    return null; // closed while we waited
                }
                if (started)
                {
                    await FailAsync(new ProtocolException("message not complete in time")
                    {
                        Fatal = true, Reply = ErrorType.HeartbeatTimeout, PublicText = "message not complete in time",
                    }).ConfigureAwait(false);
                }
                else
                {
                    await CloseAsync("idle timeout").ConfigureAwait(false);
                }
                return null;
            }
            catch (ProtocolException e)
            {
                await FailAsync(e).ConfigureAwait(false);
                return null;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                await CloseAsync(e.Message).ConfigureAwait(false);
                return null;
            }
            if (frame is null)
            {
                await CloseAsync("peer closed").ConfigureAwait(false);
                return null;
            }
            try
            {
                return _codec.Decode(frame);
            }
            catch (ProtocolException e)
            {
                await FailAsync(e).ConfigureAwait(false);
            }
        }
        return null;
    }

    /// <summary>Queues a message for sending; waits while the queue is full, up to the send timeout.</summary>
    /// <exception cref="IOException">The connection is closed, or the peer does not take data.</exception>
    public async ValueTask SendAsync(InterTrackMessage message, CancellationToken cancellationToken = default)
    {
        var bytes = _codec.EncodeLine(message);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        timeout.CancelAfter(_options.SendTimeout);
        try
        {
            await _sendQueue.Writer.WriteAsync(bytes, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_closed.IsCancellationRequested)
            {
                await CloseAsync("send queue stuck").ConfigureAwait(false);
            }
            throw new IOException($"connection to {PeerName} is closed", e);
        }
    }

    /// <summary>Answers the generic error reply for a message that could not be accepted.</summary>
    /// <param name="about">The request it refuses, when known: the reply names it (<see cref="InReplyTo"/>), so only that request fails.</param>
    public ValueTask SendErrorAsync(ErrorType type, string publicText, InterTrackMessage? about = null) =>
        SendAsync(new HeartbeatError(_local.ToNeighborNode(), (RemoteIdentity ?? _local).ToNeighborNode(),
            new ErrorCode(type) { Message = publicText })
        {
            Options = about is not null && InReplyTo.KeyOf(about) is { } key ? [new MessageOption(InReplyTo.Option, key)] : [],
        });

    private async Task FailAsync(ProtocolException e)
    {
        TransportLog.BadMessage(_logger, PeerName, e.Message);
        try
        {
            await SendErrorAsync(e.Reply, e.PublicText).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return; // already closed
        }
        if (e.Fatal)
        {
            await CloseAsync(e.PublicText, drainInput: true).ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var bytes in _sendQueue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                using var timeout = new CancellationTokenSource(_options.SendTimeout);
                await _stream.WriteAsync(bytes, timeout.Token).ConfigureAwait(false);
                await _stream.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            _sendQueue.Writer.TryComplete();
            await _closed.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Flushes what is queued (briefly) and closes.</summary>
    /// <param name="drainInput">Read and drop what the peer still sends (at most 1 MiB, 1 s) before closing: closing on
    /// unread input resets the connection, and the peer could lose the error reply just sent.</param>
    public async Task CloseAsync(string reason = "closed", bool drainInput = false)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        TransportLog.Closed(_logger, PeerName, reason);
        _sendQueue.Writer.TryComplete();
        await Task.WhenAny(_writer, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        if (drainInput)
        {
            await DrainAsync().ConfigureAwait(false);
        }
        await _closed.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var buffer = new byte[16384];
        try
        {
            for (int total = 0, n; total < 1 << 20 && (n = await _stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0; total += n)
            {
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or NotSupportedException
            or InvalidOperationException)
        {
            // closed, reset or slow: close anyway
        }
    }

    // _closed is not disposed: a receive may still be observing it, and it holds no timer.
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    private string PeerName => RemoteIdentity is { } id ? $"{id} ({RemoteEndPoint})" : RemoteEndPoint?.ToString() ?? "peer";
}
