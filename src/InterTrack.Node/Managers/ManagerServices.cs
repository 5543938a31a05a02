using InterTrack.Node.Telemetry;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Node.Managers;

/// <summary>
/// Message handlers that put managers on the network: each request is worked on in its own task
/// (a connection keeps receiving meanwhile) and answered on the connection it came on.
/// </summary>
public static class ManagerServices
{
    /// <summary>
    /// The ITM's port: ITMTraceRequest from neighbour ITMs (answered with ITMTraceReply), spoofing notices from any ITM (an
    /// ITMTraceResultExport on its own, <see cref="SpoofNotice"/>: kept, answered only when refused), and
    /// DPointTraceRequest from our own D Point (answered at once with DPointMessageIDReply, then
    /// with DPointTraceReply carrying everything: the AllResultExport).
    /// </summary>
    public static MessageHandler Itm(Itm itm, ILogger? logger = null, BackgroundWork? work = null)
    {
        work ??= new BackgroundWork(logger);
        return (connection, message, cancellationToken) =>
    {
        switch (message)
        {
            case HeartbeatRequest heartbeat:
                return Heartbeat(connection, heartbeat);
            case ItmTraceRequest request when connection.RemoteIdentity?.Role == NodeRole.Itm
                && Managers.Itm.Requester(request.PathList) == connection.RemoteIdentity.AsNumber: // the path must end at the authenticated sender
                Answer(connection, async ct =>
                {
                    var outcome = await itm.TraceAsync(request, fromOwnDPoint: false, ct).ConfigureAwait(false);
                    if (itm.ExportFor(connection.RemoteIdentity.AsNumber, request, outcome) is { } export)
                    {
                        // Before the reply, so the requester has it when the reply completes its request.
                        await connection.SendAsync(new ItmTraceResultExport(connection.RemoteIdentity.ToNeighborNode(), request.MessageId, export),
                            ct).ConfigureAwait(false);
                    }
                    return outcome.Reply;
                }, request, logger, work, cancellationToken);
                return ValueTask.CompletedTask;
            case ItmTraceResultExport notice when connection.RemoteIdentity is { Role: NodeRole.Itm } sender:
                // A spoofing notice: kept, and not answered unless refused.
                return itm.Receive(sender.AsNumber, notice) is { } refused
                    ? connection.SendErrorAsync(ErrorType.HeartbeatWrongSemantic, refused, message)
                    : ValueTask.CompletedTask;
            case DPointTraceRequest request when connection.RemoteIdentity is { Role: NodeRole.DPoint } dp && dp.AsNumber == itm.AsNumber:
                Answer(connection, ct => TraceForDPointAsync(itm, connection, request, ct), request, logger, work, cancellationToken);
                return ValueTask.CompletedTask;
            default:
                return connection.SendErrorAsync(ErrorType.HeartbeatWrongSemantic, "unexpected message", message);
        }
    };
    }

    private static async Task<InterTrackMessage> TraceForDPointAsync(Itm itm, MessageConnection connection, DPointTraceRequest request,
        CancellationToken cancellationToken)
    {
        var id = itm.NewMessageId();
        await connection.SendAsync(new DPointMessageIdReply(request.Source, request.Client, id), cancellationToken).ConfigureAwait(false);
        var itmRequest = new ItmTraceRequest(NeighborNode.ForItm(itm.AsNumber), id, Math.Min(request.Ttl, 64), ItmPathList.Empty, request.Evidence)
        {
            Options = request.Options,
        };
        var outcome = await itm.TraceAsync(itmRequest, fromOwnDPoint: true, cancellationToken).ConfigureAwait(false);
        var export = new AllResultExport(itmRequest, outcome.Reply)
        {
            BtmReplies = outcome.Border is null ? [] : [outcome.Border],
            DtmReplies = [.. outcome.Domain],
        };
        return new DPointTraceReply(request.Source, request.Client, id, export);
    }

    /// <summary>A BTM's port for its ITM: BTMTraceRequest in, BTMTraceReply out.</summary>
    public static MessageHandler Btm(IBtmClient btm, ILogger? logger = null, BackgroundWork? work = null) =>
        Component<BtmTraceRequest>(async (request, ct) => await btm.TraceAsync(request, ct).ConfigureAwait(false), logger, work ?? new BackgroundWork(logger));

    /// <summary>A DTM's port for its ITM: DTMTraceRequest in, DTMTraceReply out.</summary>
    public static MessageHandler Dtm(IDtmClient dtm, ILogger? logger = null, BackgroundWork? work = null) =>
        Component<DtmTraceRequest>(async (request, ct) => await dtm.TraceAsync(request, ct).ConfigureAwait(false), logger, work ?? new BackgroundWork(logger));

    /// <summary>A component's port: heartbeats, and one kind of request answered by <paramref name="answer"/>.</summary>
    private static MessageHandler Component<TRequest>(Func<TRequest, CancellationToken, Task<InterTrackMessage>> answer, ILogger? logger, BackgroundWork work)
        where TRequest : InterTrackMessage => (connection, message, cancellationToken) =>
    {
        switch (message)
        {
            case HeartbeatRequest heartbeat:
                return Heartbeat(connection, heartbeat);
            case TRequest request:
                Answer(connection, ct => answer(request, ct), request, logger, work, cancellationToken);
                return ValueTask.CompletedTask;
            default:
                return connection.SendErrorAsync(ErrorType.HeartbeatWrongSemantic, "unexpected message", message);
        }
    };

    /// <summary>Answers a heartbeat with our time, echoing its options (the requester's nonce).</summary>
    public static ValueTask Heartbeat(MessageConnection connection, HeartbeatRequest request) =>
        connection.SendAsync(new HeartbeatReply(request.Master, connection.LocalIdentity.ToNeighborNode(), TimeVal.FromDateTimeOffset(DateTimeOffset.UtcNow))
        {
            Options = request.Options,
        });

    private static void Answer(MessageConnection connection, Func<CancellationToken, Task<InterTrackMessage>> work, InterTrackMessage request, ILogger? logger,
        BackgroundWork background, CancellationToken cancellationToken) =>
        background.Run($"answering {request.GetType().Name}", async () =>
        {
            try
            {
                var reply = await work(cancellationToken).ConfigureAwait(false);
                await connection.SendAsync(reply, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // the requester left or we are stopping: nobody to answer
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ManagerLog.RequestFailed(logger ?? NullLogger.Instance, e);
                try
                {
                    await connection.SendErrorAsync(ErrorType.UnknownError, "internal error", request).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // closed meanwhile
                }
            }
        });
}

internal static partial class ManagerLog
{
    [LoggerMessage(LogEvents.RequestFailed, LogLevel.Error, "A request failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception);
}
