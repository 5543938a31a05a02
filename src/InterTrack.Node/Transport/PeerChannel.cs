using System.Collections.Concurrent;
using InterTrack.Node.Pki;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Transport;

/// <summary>
/// Requests to one peer over one (re)connected connection, with replies matched to requests by
/// reply type and key — the message id, or for D Point replies the D Point's sequence number in
/// SourceClient — so many requests can be in flight at once. Requests with the same key (one
/// trace asking a neighbour twice with different packets, e.g. as neighbour and by skip-over) take
/// turns, since a reply could not tell which of them it answers. If the connection drops, every
/// pending request fails with an <see cref="IOException"/> and the next request connects again.
/// </summary>
public sealed class PeerChannel(string peerName, Func<CancellationToken, Task<MessageConnection>> connect) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly ConcurrentDictionary<(Type, object), TaskCompletionSource<InterTrackMessage>> _pending = new();
    private readonly Dictionary<object, (SemaphoreSlim Gate, int Users)> _turns = [];
    private MessageConnection? _connection;
    private Task _receiving = Task.CompletedTask;

    /// <summary>Sends <paramref name="request"/> and waits for the <typeparamref name="TReply"/> with the given key.</summary>
    /// <exception cref="IOException">No connection, or it closed before the reply.</exception>
    public async Task<TReply> RequestAsync<TReply>(InterTrackMessage request, object replyKey, CancellationToken cancellationToken)
        where TReply : InterTrackMessage =>
        (await RequestAsync<TReply, TReply>(request, replyKey, cancellationToken).ConfigureAwait(false)).Reply;

    /// <summary>
    /// Sends <paramref name="request"/> and waits for the <typeparamref name="TReply"/> with the given key; a
    /// <typeparamref name="TBefore"/> with the same key that the peer may send before the reply is returned too.
    /// </summary>
    /// <exception cref="IOException">No connection, or it closed before the reply.</exception>
    public async Task<(TReply Reply, TBefore? Before)> RequestAsync<TReply, TBefore>(InterTrackMessage request, object replyKey,
        CancellationToken cancellationToken)
        where TReply : InterTrackMessage where TBefore : InterTrackMessage
    {
        using var turn = await TurnAsync(replyKey, cancellationToken).ConfigureAwait(false);
        using var before = typeof(TBefore) == typeof(TReply) ? null : Expect<TBefore>(replyKey);
        using var reply = Expect<TReply>(replyKey);
        await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var answer = await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return (answer, before?.Arrived);
    }

    /// <summary>Waits until no other request with this key is in flight.</summary>
    private async Task<IDisposable> TurnAsync(object key, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (_turns)
        {
            var turn = _turns.GetValueOrDefault(key);
            gate = turn.Gate ?? new SemaphoreSlim(1, 1);
            _turns[key] = (gate, turn.Users + 1);
        }
        try
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, gate, release: false);
            throw;
        }
        return new Turn(() => Leave(key, gate, release: true));
    }

    private void Leave(object key, SemaphoreSlim gate, bool release)
    {
        lock (_turns)
        {
            if (release)
            {
                gate.Release();
            }
            int users = _turns[key].Users - 1;
            if (users == 0)
            {
                _turns.Remove(key);
                gate.Dispose();
            }
            else
            {
                _turns[key] = (gate, users);
            }
        }
    }

    private sealed class Turn(Action leave) : IDisposable
    {
        public void Dispose() => leave();
    }

    /// <summary>Registers for a reply before the request goes out (for requests answered more than once).</summary>
    internal ExpectedReply<TReply> Expect<TReply>(object replyKey) where TReply : InterTrackMessage
    {
        var key = (typeof(TReply), replyKey);
        var reply = new TaskCompletionSource<InterTrackMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, reply))
        {
            throw new InvalidOperationException($"a {typeof(TReply).Name} for {replyKey} is already awaited from {peerName}");
        }
        return new ExpectedReply<TReply>(reply.Task, () => _pending.TryRemove(key, out _));
    }

    public async Task SendAsync(InterTrackMessage request, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<MessageConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { Closed.IsCancellationRequested: false } open)
        {
            return open;
        }
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { Closed.IsCancellationRequested: false } raced)
            {
                return raced;
            }
            MessageConnection connection;
            try
            {
                connection = await connect(cancellationToken).ConfigureAwait(false);
            }
            catch (System.Security.Authentication.AuthenticationException e)
            {
                throw new IOException($"{peerName}: {e.Message}", e);
            }
            _connection = connection;
            _receiving = Task.Run(() => ReceiveLoopAsync(connection), CancellationToken.None); // ends when the connection closes
            return connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task ReceiveLoopAsync(MessageConnection connection)
    {
        try
        {
            await DispatchAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            FailAll(new IOException($"connection to {peerName} closed")); // nothing waits forever on a reply that cannot come
        }
    }

    private async Task DispatchAsync(MessageConnection connection)
    {
        while (await connection.ReceiveAsync().ConfigureAwait(false) is { } message)
        {
            if (message is HeartbeatError refusal)
            {
                var error = new IOException($"{peerName} refused a message: {refusal.Error.Message}");
                if (refusal.Options.FirstOrDefault(o => o.Type == InReplyTo.Option) is { } about)
                {
                    Fail(about.Value, error); // that request only
                }
                else
                {
                    FailAll(error); // not tied to a request: the connection's messages are in doubt
                }
                continue;
            }
            if (ReplyId(message) is { } id && _pending.TryGetValue((message.GetType(), id), out var waiting))
            {
                waiting.TrySetResult(message);
            }
        }
    }

    /// <summary>
    /// A heartbeat: the peer answers with its time. Returns the round-trip time and the peer's
    /// clock offset (its time minus the midpoint of ours, both read from <paramref name="time"/>).
    /// </summary>
    /// <exception cref="IOException">The peer does not answer.</exception>
    public async Task<(TimeSpan RoundTrip, TimeSpan ClockOffset)> PingAsync(NodeIdentity self, TimeProvider time, CancellationToken cancellationToken)
    {
        string nonce = Guid.NewGuid().ToString("N");
        var sent = time.GetUtcNow();
        var reply = await RequestAsync<HeartbeatReply>(new HeartbeatRequest(self.ToNeighborNode()) { Options = [new MessageOption(InReplyTo.NonceOption,
            nonce)] },
            nonce, cancellationToken).ConfigureAwait(false);
        var received = time.GetUtcNow();
        var roundTrip = received - sent;
        return (roundTrip, reply.TimeStamp.ToDateTimeOffset() - (sent + roundTrip / 2));
    }

    private static object? ReplyId(InterTrackMessage message) => message switch
    {
        HeartbeatReply r => r.Options.FirstOrDefault(o => o.Type == InReplyTo.NonceOption)?.Value,
        ItmTraceReply r => r.MessageId,
        BtmTraceReply r => r.MessageId,
        DtmTraceReply r => r.MessageId,
        DPointMessageIdReply r => r.Client.TemporarySequenceNumber,
        DPointTraceReply r => r.Client.TemporarySequenceNumber,
        ItmTraceResultExport r => r.MessageId,
        _ => null,
    };

    private void Fail(string key, Exception error)
    {
        foreach (var (pendingKey, waiting) in _pending)
        {
            if (pendingKey.Item2.ToString() == key)
            {
                waiting.TrySetException(error);
            }
        }
    }

    private void FailAll(Exception error)
    {
        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        await _receiving.ConfigureAwait(false);
        _connecting.Dispose();
    }
}

/// <summary>A reply being waited for; disposing stops waiting.</summary>
internal sealed class ExpectedReply<TReply>(Task<InterTrackMessage> reply, Action cancel) : IDisposable where TReply : InterTrackMessage
{
    public Task<TReply> Task { get; } = Cast(reply);

    /// <summary>The reply if it has already arrived (set the moment it is received, unlike <see cref="Task"/>'s continuation).</summary>
    public TReply? Arrived => reply.IsCompletedSuccessfully ? (TReply)reply.Result : null;

    private static async Task<TReply> Cast(Task<InterTrackMessage> reply) => (TReply)await reply.ConfigureAwait(false);

    public void Dispose() => cancel();
}
