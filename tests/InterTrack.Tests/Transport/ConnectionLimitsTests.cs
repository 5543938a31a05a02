using System.Net;
using System.Net.Sockets;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Time.Testing;

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
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new TransportOptions { HandshakeTimeout = TimeSpan.FromSeconds(5) };
        await using var listener = EchoServer.Start(credentials, [Client], options, time);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(listener.LocalEndPoint);
        var read = tcp.GetStream().ReadAsync(new byte[16]).AsTask();
        var waited = await time.AdvanceUntilAsync(read, TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(30));
        Assert.Equal(0, await read); // closed by the server …
        Assert.InRange(waited, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)); // … once 5 s had passed on its clock
    }

    [Fact]
    public async Task A_silent_connection_is_closed_after_the_idle_timeout()
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var clientCredentials = _pki.Issue(65002, "itm");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new TransportOptions { IdleTimeout = TimeSpan.FromMinutes(5) };
        await using var listener = EchoServer.Start(serverCredentials, [Client], options, time);
        await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", listener.LocalEndPoint.Port, Server, clientCredentials, time: time);
        Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(client, 65002));
        var closed = client.ReceiveAsync().AsTask();
        var waited = await time.AdvanceUntilAsync(closed, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(30));
        Assert.Null(await closed);
        Assert.InRange(waited, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30));
    }

    /// <summary>
    /// 2,000 sockets from one address that never start TLS do not lock out an authorised peer
    /// from another: only a few of them may wait for a handshake at a time, apart from the
    /// places of authenticated connections, and the rest are closed at once.
    /// </summary>
    [Fact]
    public async Task An_authorised_peer_is_served_while_one_address_holds_2000_idle_sockets()
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var clientCredentials = _pki.Issue(65002, "itm");
        var options = new TransportOptions { MaxConnections = 16, MaxPendingHandshakes = 64, MaxPendingPerSource = 8 };
        await using var listener = EchoServer.Start(serverCredentials, [Client], options);
        var idle = new List<Socket>();
        try
        {
            int refused = 0;
            for (int i = 0; i < 2_000; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0)); // the flooding address
                await socket.ConnectAsync(listener.LocalEndPoint);
                idle.Add(socket);
            }
            await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", listener.LocalEndPoint.Port, Server, clientCredentials);
            Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(client, 65002));
            foreach (var socket in idle)
            {
                refused += socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0 ? 1 : 0; // closed by the server
            }
            Assert.True(refused >= 2_000 - options.MaxPendingPerSource - 1, $"only {refused} of 2,000 idle sockets were closed at once");
        }
        finally
        {
            foreach (var socket in idle)
            {
                socket.Dispose();
            }
        }
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
