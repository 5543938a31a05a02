using System.Net;
using System.Net.Sockets;
using InterTrack.Pki;
using InterTrack.Protocol.Model;
using InterTrack.Transport;

namespace InterTrack.Tests.Transport;

/// <summary>Handshake and idle timeouts, and the bounded send queue, on real loopback sockets.</summary>
public sealed class ConnectionLimitsTests : IDisposable
{
    private static readonly NodeIdentity Server = new(65001, NodeRole.Itm);
    private static readonly NodeIdentity Client = new(65002, NodeRole.Itm);

    private readonly TestPki _pki = new();

    [Fact]
    public async Task A_peer_that_never_starts_the_handshake_is_dropped_after_the_handshake_timeout()
    {
        using var credentials = _pki.Issue(65001, "itm");
        var options = new TransportOptions { HandshakeTimeout = TimeSpan.FromSeconds(1) };
        await using var listener = EchoServer.Start(credentials, [Client], options);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(listener.LocalEndPoint);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read = await tcp.GetStream().ReadAsync(new byte[16], timeout.Token);
        Assert.Equal(0, read); // closed by the server, well before our 10 s
    }

    [Fact]
    public async Task A_silent_connection_is_closed_after_the_idle_timeout()
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var clientCredentials = _pki.Issue(65002, "itm");
        var options = new TransportOptions { IdleTimeout = TimeSpan.FromSeconds(1) };
        await using var listener = EchoServer.Start(serverCredentials, [Client], options);
        await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", listener.LocalEndPoint.Port, Server, clientCredentials);
        Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(client, 65002));
        var started = DateTime.UtcNow;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Null(await client.ReceiveAsync(timeout.Token));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Sending_to_a_peer_that_does_not_read_fails_once_the_bounded_queue_is_full()
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var clientCredentials = _pki.Issue(65002, "itm");
        var options = new TransportOptions { SendQueueCapacity = 4, SendTimeout = TimeSpan.FromSeconds(1) };
        var outcome = new TaskCompletionSource<(int Sent, Exception? Error)>();
        var big = new HeartbeatRequest(NeighborNode.ForItm(65001)) { Options = [new MessageOption("pad", new string('x', 1 << 20))] };
        await using var listener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), serverCredentials,
            PeerAuthenticator.Only([Client]), async (connection, message, ct) =>
            {
                int sent = 0;
                try
                {
                    for (; sent < 200; sent++) // bounded: 200 MiB at most
                    {
                        await connection.SendAsync(big, ct);
                    }
                    outcome.TrySetResult((sent, null));
                }
                catch (IOException e)
                {
                    outcome.TrySetResult((sent, e));
                }
            }, options);

        await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", listener.LocalEndPoint.Port, Server, clientCredentials);
        await client.SendAsync(new HeartbeatRequest(NeighborNode.ForItm(65002)));
        // The client never reads.
        var (sentCount, error) = await outcome.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsType<IOException>(error);
        Assert.True(sentCount < 50, $"{sentCount} messages of 1 MiB were accepted for a peer that reads nothing");
    }

    public void Dispose() => _pki.Dispose();
}
