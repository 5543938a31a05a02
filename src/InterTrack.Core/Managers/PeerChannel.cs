using System.Collections.Concurrent;
using InterTrack.Protocol.Model;
using InterTrack.Transport;

namespace InterTrack.Managers;

/// <summary>
/// Requests to one peer over one (re)connected connection, with replies matched to requests by
/// reply type and message id, so many requests can be in flight at once. If the connection
/// drops, every pending request fails with an <see cref="IOException"/> and the next request
/// connects again.
/// </summary>
public sealed class PeerChannel(string peerName, Func<CancellationToken, Task<MessageConnection>> connect) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly ConcurrentDictionary<(Type, MessageId), TaskCompletionSource<InterTrackMessage>> _pending = new();
    private MessageConnection? _connection;

    /// <summary>Sends <paramref name="request"/> and waits for the <typeparamref name="TReply"/> with the same message id.</summary>
    /// <exception cref="IOException">No connection, or it closed before the reply.</exception>
    public async Task<TReply> RequestAsync<TReply>(InterTrackMessage request, MessageId id, CancellationToken cancellationToken)
        where TReply : InterTrackMessage
    {
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        var key = (typeof(TReply), id);
        var reply = new TaskCompletionSource<InterTrackMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, reply))
        {
            throw new InvalidOperationException($"a {typeof(TReply).Name} for {id} is already awaited from {peerName}");
        }
        try
        {
            await connection.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return (TReply)await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
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
            _ = Task.Run(() => ReceiveLoopAsync(connection), CancellationToken.None);
            return connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task ReceiveLoopAsync(MessageConnection connection)
    {
        while (await connection.ReceiveAsync().ConfigureAwait(false) is { } message)
        {
            if (message is HeartbeatError refusal)
            {
                FailAll(new IOException($"{peerName} refused a message: {refusal.Error.Message}"));
                continue;
            }
            if (ReplyId(message) is { } id && _pending.TryGetValue((message.GetType(), id), out var waiting))
            {
                waiting.TrySetResult(message);
            }
        }
        FailAll(new IOException($"connection to {peerName} closed"));
    }

    private static MessageId? ReplyId(InterTrackMessage message) => message switch
    {
        ItmTraceReply r => r.MessageId,
        BtmTraceReply r => r.MessageId,
        DtmTraceReply r => r.MessageId,
        DPointMessageIdReply r => r.MessageId,
        DPointTraceReply r => r.MessageId,
        _ => null,
    };

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
        _connecting.Dispose();
    }
}
