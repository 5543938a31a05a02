using System.Globalization;
using InterTrack.Node.Pki;
using InterTrack.Node.Telemetry;
using InterTrack.Node.Tracing;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Node.Managers;

/// <summary>The D Point's policy for client requests.</summary>
public sealed record DPointPolicy
{
    /// <summary>Client messages per second the D Point takes (all clients together); more are refused.</summary>
    public double RateLimit { get; init; } = 100;

    /// <summary>Evidence older than this is refused: the digest history it needs is gone.</summary>
    public TimeSpan MaxEvidenceAge { get; init; } = TimeSpan.FromHours(1);

    public int MaxFootmarks { get; init; } = 1000;

    /// <summary>How long the ITM may take to issue a message id, and to finish the trace.</summary>
    public TimeSpan MessageIdTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan TraceTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Traces handed to the ITM at once; more wait in a queue of <see cref="MaxQueuedTraces"/>, and beyond it are refused as Busy.</summary>
    public int MaxConcurrentTraces { get; init; } = 64;
    public int MaxQueuedTraces { get; init; } = 1024;
}

/// <summary>
/// The Decision Point: takes ClientTraceRequests from authorised clients (the listener decides
/// who may connect), applies policy, timestamps and stores each request, hands it to the ITM,
/// answers the client's ClientMessageIDReply as soon as the ITM issued the id and the
/// ClientTraceReply when the result comes. Results are kept in <see cref="DPointStore"/>; a
/// client can ask for one again later (see docs/protocol.md, "Asking for a result again").
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001",
    Justification = "The semaphore's wait handle is never used and the stopping token has no timer: they hold nothing to free.")]
public sealed class DPoint(uint asNumber, DPointPolicy policy, PeerChannel itm, DPointStore store, ILogger? logger = null, TimeProvider? time = null,
    BackgroundWork? work = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly BackgroundWork _work = work ?? new BackgroundWork(logger);
    private readonly RateLimiter _rate = new(policy.RateLimit, time ?? TimeProvider.System);
    private readonly SemaphoreSlim _running = new(policy.MaxConcurrentTraces);
    private readonly CancellationTokenSource _stopping = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, TraceInFlight> _inFlight = new();
    private int _admitted; // running and queued

    /// <summary>The traces admitted and not finished, for the operator's page.</summary>
    public IReadOnlyCollection<TraceInFlight> InFlight => [.. _inFlight.Values];

    /// <summary>
    /// Stopping: every trace still running is failed now — stored as failed with the reason and
    /// answered to its client with an error — instead of being cut off with the connection.
    /// </summary>
    public Task StopTracesAsync() => _stopping.CancelAsync();

    private NeighborNode Self => new NodeIdentity(asNumber, NodeRole.DPoint).ToNeighborNode();

    public MessageHandler Handler => HandleAsync;

    private async ValueTask HandleAsync(MessageConnection connection, InterTrackMessage message, CancellationToken cancellationToken)
    {
        if (message is not ClientTraceRequest request)
        {
            await connection.SendErrorAsync(ErrorType.HeartbeatWrongSemantic, "unexpected message").ConfigureAwait(false);
            return;
        }
        if (!_rate.TryTake())
        {
            Telemetry.NodeMetrics.ClientRequest(asNumber, "rate_limited");
            await connection.SendErrorAsync(ErrorType.RefusedLimit, "rate limit exceeded").ConfigureAwait(false);
            return;
        }
        if (request.Options.FirstOrDefault(o => o.Type == ClientOptions.ResultOf) is { } resultOf)
        {
            await ResendResultAsync(connection, resultOf.Value).ConfigureAwait(false);
            return;
        }
        var (evidence, untimed, refusal) = Evidence(request);
        if (refusal is not null)
        {
            Telemetry.NodeMetrics.ClientRequest(asNumber, "refused");
            await connection.SendErrorAsync(ErrorType.RefusedLimit, refusal).ConfigureAwait(false);
            return;
        }
        if (Interlocked.Increment(ref _admitted) > policy.MaxConcurrentTraces + policy.MaxQueuedTraces)
        {
            Interlocked.Decrement(ref _admitted);
            Telemetry.NodeMetrics.ClientRequest(asNumber, "busy");
            await connection.SendErrorAsync(ErrorType.BusyItm, "too many traces in flight; ask again later").ConfigureAwait(false);
            return;
        }
        Telemetry.NodeMetrics.ClientRequest(asNumber, "accepted");
        var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        _work.Run("a client's trace", async () =>
        {
            try
            {
                await _running.WaitAsync(stopping.Token).ConfigureAwait(false);
                try
                {
                    await TraceAsync(connection, request, evidence!, untimed, stopping.Token).ConfigureAwait(false);
                }
                finally
                {
                    _running.Release();
                }
            }
            catch (OperationCanceledException)
            {
                // stopping before the trace started: the client is told so
                await TrySendErrorAsync(connection, ErrorType.BusyItm, Stopping).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _admitted);
                stopping.Dispose();
            }
        });
    }

    /// <returns>The evidence to trace, how many of its packets came without a capture time, or why it is refused.</returns>
    private (Evidence? Evidence, int Untimed, string? Refusal) Evidence(ClientTraceRequest request)
    {
        var now = _time.GetUtcNow();
        var received = TimeVal.FromDateTimeOffset(now);
        if (request.PayloadHash is { } hash)
        {
            return (new AppFootmark(hash, received), 0, null);
        }
        if (request.PacketDumps.Count > policy.MaxFootmarks)
        {
            return (null, 0, $"more than {policy.MaxFootmarks} packets in one request");
        }
        var captured = request.Options.Where(o => o.Type == ClientOptions.Captured).Select(o => TimeVal.Parse(o.Value)).ToList();
        var footmarks = new List<Footmark>(request.PacketDumps.Count);
        int untimed = 0;
        for (int i = 0; i < request.PacketDumps.Count; i++)
        {
            // Without a capture time (a historic client sends none: its TemporarySequenceNumber is when
            // it asked), the packet is searched in all the evidence kept, not around the time it arrived here.
            var at = i < captured.Count && captured[i] is { } t ? t : TimeVal.Unknown;
            if (at.IsUnknown)
            {
                untimed++;
            }
            else if (at.ToDateTimeOffset() < now - policy.MaxEvidenceAge)
            {
                return (null, 0, "evidence older than the kept digest history");
            }
            footmarks.Add(new Footmark(request.PacketDumps[i], at));
        }
        return (EvidencePackets.ToEvidence(footmarks, received), untimed, null);
    }

    private async Task TraceAsync(MessageConnection connection, ClientTraceRequest request, Evidence evidence, int untimed, CancellationToken cancellationToken)
    {
        var client = connection.RemoteIdentity?.ToNodeId() ?? new OtherNodeId(connection.RemoteEndPoint?.ToString() ?? "legacy client");
        long sequence = store.Add(Requester(connection));
        var handle = new TimeVal((uint)sequence, 0); // the D Point's own handle, unique across restarts
        long started = _time.GetTimestamp();
        var flight = _inFlight[sequence] = new TraceInFlight(sequence, client.ToString(), _time.GetUtcNow(), EvidencePackets.Footmarks(evidence).Count);
        Telemetry.NodeMetrics.ClientTraceStarted(asNumber);
        bool done = false;
        try
        {
            using var idReply = itm.Expect<DPointMessageIdReply>(handle);
            using var traceReply = itm.Expect<DPointTraceReply>(handle);
            var forward = new DPointTraceRequest(Self, new SourceClient(client, handle), Math.Min(request.Ttl == 0 ? 16 : request.Ttl, 64), evidence)
            {
                Options = [new MessageOption(ClientOptions.Received, TimeVal.FromDateTimeOffset(_time.GetUtcNow()).ToString())],
            };
            await itm.SendAsync(forward, cancellationToken).ConfigureAwait(false);
            var id = (await idReply.Task.WaitAsync(policy.MessageIdTimeout, cancellationToken).ConfigureAwait(false)).MessageId;
            store.SetMessageId(sequence, id);
            flight.MessageId = id.ToString();
            await TrySendAsync(connection, new ClientMessageIdReply(Self, new NeighborNode(client), request.TemporarySequenceNumber, id)).ConfigureAwait(false);
            var result = await traceReply.Task.WaitAsync(policy.TraceTimeout, cancellationToken).ConfigureAwait(false);
            store.Complete(sequence, result.Export);
            done = true;
            await TrySendAsync(connection, new ClientTraceReply(Self, new NeighborNode(client), id, result.Export)
            {
                Options = untimed == 0 ? [] : [new MessageOption(ClientOptions.PacketTime,
                    $"unknown for {untimed} of {EvidencePackets.Footmarks(evidence).Count} packets: all the evidence kept was searched")],
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever went wrong, the trace is stored as failed with its reason: never left pending.
            bool stopping = _stopping.IsCancellationRequested;
            string why = stopping ? "the D Point stopped before the trace finished" : e.Message;
            store.Fail(sequence, why);
            DPointLog.TraceFailed(_logger, sequence, why);
            await TrySendErrorAsync(connection, stopping ? ErrorType.BusyItm : ErrorType.WaitItmReply,
                stopping ? Stopping : "the trace failed").ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(sequence, out _);
            Telemetry.NodeMetrics.ClientTraceFinished(asNumber, done, _time.GetElapsedTime(started));
        }
    }

    private const string Stopping = "the D Point is stopping; ask again when it is back";

    private async Task ResendResultAsync(MessageConnection connection, string messageId)
    {
        var record = store.FindByKey(messageId);
        var client = connection.RemoteIdentity?.ToNodeId();
        if (record is null || record.Client != Requester(connection))
        {
            await connection.SendErrorAsync(ErrorType.RefusedAuth, "no such trace of yours").ConfigureAwait(false);
            return;
        }
        switch (record.State)
        {
            case TraceRecordState.Done:
                var id = MessageId.Parse(record.MessageId!);
                await connection.SendAsync(new ClientTraceReply(Self, new NeighborNode(client ?? new OtherNodeId("legacy client")), id,
                    record.Result!)).ConfigureAwait(false);
                break;
            case TraceRecordState.Pending:
                await connection.SendErrorAsync(ErrorType.BusyItm, "the trace is still running").ConfigureAwait(false);
                break;
            default:
                await connection.SendErrorAsync(ErrorType.UnknownError, "the trace failed").ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// Who asked, as the store keeps it: the identity of a TLS client's certificate; for a legacy
    /// (plain TCP) client, its IP address. A result goes only to whoever asked for it: a legacy
    /// client cannot fetch another's result by its (guessable) message id.
    /// </summary>
    private static string Requester(MessageConnection connection) =>
        connection.RemoteIdentity?.ToNodeId().ToString() ?? $"legacy:{(connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address}";

    private static async Task TrySendAsync(MessageConnection connection, InterTrackMessage message)
    {
        try
        {
            await connection.SendAsync(message).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // the client left: the result stays in the store for it to ask again
        }
    }

    private static async Task TrySendErrorAsync(MessageConnection connection, ErrorType type, string text)
    {
        try
        {
            await connection.SendErrorAsync(type, text).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // the client left
        }
    }
}

internal static partial class DPointLog
{
    [LoggerMessage(LogEvents.DPointTraceFailed, LogLevel.Warning, "Trace {Sequence} failed: {Reason}")]
    public static partial void TraceFailed(ILogger logger, long sequence, string reason);
}
