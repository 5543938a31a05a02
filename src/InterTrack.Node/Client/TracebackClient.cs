using InterTrack.Node.Pki;
using InterTrack.Node.Tracing;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Client;

/// <summary>The Traceback Client: submits attack packets to a D Point, learns the message id, then the result.</summary>
public static class TracebackClient
{
    /// <param name="packets">IP packets (from the IP header on) and the times they were captured, ns since the epoch.</param>
    /// <param name="onMessageId">Called as soon as the D Point answers the message id.</param>
    /// <exception cref="IOException">The D Point refused the request or closed the connection.</exception>
    /// <exception cref="TimeoutException">No result within <paramref name="wait"/>.</exception>
    /// <param name="asHash">When set, each packet is sent as this hash of it instead (the historic client's md5), without its time.</param>
    public static async Task<TraceResultView> TraceAsync(MessageConnection dpoint, NodeId self, NodeId dpointId,
        IReadOnlyList<(byte[] IpPacket, long TimestampNs)> packets, Action<MessageId> onMessageId, TimeSpan wait, CancellationToken cancellationToken,
        Func<byte[], PacketDump>? asHash = null)
    {
        var sequence = TimeVal.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var request = new ClientTraceRequest(new NeighborNode(dpointId), new NeighborNode(self), sequence, 16)
        {
            PacketDumps = [.. packets.Select(p => asHash?.Invoke(p.IpPacket) ?? EvidencePackets.ToFootmark(p.IpPacket, p.TimestampNs).Dump)],
            Options = asHash is not null ? [] : [.. packets.Select(p => new MessageOption(ClientOptions.Captured,
                TimeVal.FromUnixNs(p.TimestampNs).ToString()))],
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        await dpoint.SendAsync(request, timeout.Token).ConfigureAwait(false);
        try
        {
            while (await dpoint.ReceiveAsync(timeout.Token).ConfigureAwait(false) is { } message)
            {
                switch (message)
                {
                    case ClientMessageIdReply id when id.TemporarySequenceNumber == sequence:
                        onMessageId(id.MessageId);
                        break;
                    case ClientTraceReply result:
                        return TraceResultView.From(result.MessageId, result.Export);
                    case HeartbeatError error:
                        throw new IOException($"the D Point refused: {error.Error.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no result within {wait.TotalSeconds:F0} s; ask again later with the message id");
        }
        throw new IOException("the D Point closed the connection before the result");
    }

    /// <summary>Asks the D Point again for the result of an earlier trace (after a reconnect or a D Point restart).</summary>
    /// <exception cref="IOException">Unknown, failed or still running (the message says which), or the connection closed.</exception>
    public static async Task<TraceResultView> FetchAsync(MessageConnection dpoint, NodeId self, NodeId dpointId, MessageId id, TimeSpan wait,
        CancellationToken cancellationToken)
    {
        // The schema wants evidence in every ClientTraceRequest; the D Point ignores it next to "result-of".
        var request = new ClientTraceRequest(new NeighborNode(dpointId), new NeighborNode(self), TimeVal.FromDateTimeOffset(DateTimeOffset.UtcNow), 16)
        {
            PayloadHash = new PayloadHash("", DumpEncoding.Md5, 0),
            Options = [new MessageOption(ClientOptions.ResultOf, id.ToString())],
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        await dpoint.SendAsync(request, timeout.Token).ConfigureAwait(false);
        return await dpoint.ReceiveAsync(timeout.Token).ConfigureAwait(false) switch
        {
            ClientTraceReply reply => TraceResultView.From(reply.MessageId, reply.Export),
            HeartbeatError error => throw new IOException($"the D Point says: {error.Error.Message}"),
            _ => throw new IOException("the D Point closed the connection"),
        };
    }

    /// <summary>Connects to a D Point over mutual TLS; the D Point must be of the client's own AS.</summary>
    public static Task<MessageConnection> ConnectAsync(string host, int port, TlsCredentials credentials, CancellationToken cancellationToken) =>
        MessageClient.ConnectTlsAsync(host, port, new NodeIdentity(credentials.Identity.AsNumber, NodeRole.DPoint), credentials,
        cancellationToken: cancellationToken);
}
