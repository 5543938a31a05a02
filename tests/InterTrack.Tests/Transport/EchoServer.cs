using System.Net;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Transport;

/// <summary>A listener on 127.0.0.1:0 that answers every HeartbeatRequest with a HeartbeatReply.</summary>
internal static class EchoServer
{
    public static MessageListener Start(TlsCredentials credentials, IEnumerable<NodeIdentity> allowed, TransportOptions? options = null,
        TimeProvider? time = null) =>
        MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), credentials, PeerAuthenticator.Only(allowed),
            (connection, message, ct) => Answer(connection, message, credentials.Identity, ct), options, time: time);

    public static async ValueTask Answer(MessageConnection connection, InterTrackMessage message, NodeIdentity self, CancellationToken ct)
    {
        if (message is HeartbeatRequest request)
        {
            await connection.SendAsync(new HeartbeatReply(request.Master, self.ToNeighborNode(), TimeVal.FromDateTimeOffset(DateTimeOffset.UtcNow)), ct);
        }
    }

    /// <summary>Sends a heartbeat and returns the answer, or null when the connection closed instead.</summary>
    public static async Task<InterTrackMessage?> PingAsync(MessageConnection connection, uint asNumber)
    {
        await connection.SendAsync(new HeartbeatRequest(NeighborNode.ForItm(asNumber)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await connection.ReceiveAsync(timeout.Token);
    }
}
