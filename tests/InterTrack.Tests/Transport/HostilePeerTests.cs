using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol;
using InterTrack.Protocol.Framing;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Protocol;

namespace InterTrack.Tests.Transport;

/// <summary>
/// Hostile input against a real mutual-TLS listener: each attack is answered with a generic
/// error or a clean close, within bounded memory, while a well-behaved peer connected at the
/// same time keeps being served.
/// </summary>
public sealed class HostilePeerTests : IAsyncLifetime, IDisposable
{
    private static readonly NodeIdentity Server = new(65001, NodeRole.Itm);
    private static readonly NodeIdentity Good = new(65002, NodeRole.Itm);
    private static readonly NodeIdentity Hostile = new(65003, NodeRole.Itm);

    private static readonly TransportOptions Options = new() { MessageTimeout = TimeSpan.FromSeconds(3) };
    private static readonly string[] GenericTexts = ["invalid message", "malformed message", "message too large", "truncated message",
        "message not complete in time"];

    private readonly TestPki _pki = new();
    private TlsCredentials _serverCredentials = null!;
    private TlsCredentials _goodCredentials = null!;
    private TlsCredentials _hostileCredentials = null!;
    private MessageListener _listener = null!;
    private MessageConnection _good = null!;

    public async Task InitializeAsync()
    {
        _serverCredentials = _pki.Issue(Server.AsNumber, "itm");
        _goodCredentials = _pki.Issue(Good.AsNumber, "itm");
        _hostileCredentials = _pki.Issue(Hostile.AsNumber, "itm");
        _listener = EchoServer.Start(_serverCredentials, [Good, Hostile], Options);
        _good = await MessageClient.ConnectTlsAsync("127.0.0.1", _listener.LocalEndPoint.Port, Server, _goodCredentials, Options);
        Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(_good, Good.AsNumber));
    }

    public static TheoryData<string, string> FatalDocuments => new()
    {
        {
            "billion laughs",
            """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">""" +
            """<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><InterTrackMessage""" +
            """ type="HeartbeatRequest">&lol2;</InterTrackMessage>"""
        },
        {
            "external entity",
            """<?xml version="1.0"?><!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><InterTrackMessage""" +
            """ type="HeartbeatRequest">&xxe;</InterTrackMessage>"""
        },
        { "garbage bytes", "\u0001\u0002GET / HTTP/1.1\r\n\r\n" },
        { "unclosed inner element", """<InterTrackMessage type="HeartbeatRequest"><HeartbeatRequest></InterTrackMessage>""" },
        { "10,000 nested elements", string.Concat(Enumerable.Repeat("<a>", 10_000)) + string.Concat(Enumerable.Repeat("</a>", 10_000)) },
    };

    [Theory]
    [MemberData(nameof(FatalDocuments))]
    public async Task A_stream_that_loses_framing_gets_an_error_reply_and_is_closed(string attack, string document)
    {
        await using var hostile = await RawPeer.ConnectAsync(_listener, _hostileCredentials);
        await hostile.WriteAsync(Encoding.UTF8.GetBytes(document));
        var replies = await hostile.ReadUntilClosedAsync();
        AssertGenericError(Assert.Single(replies), attack);
        await AssertGoodPeerServedAsync();
    }

    public static TheoryData<string, string> InvalidDocuments => new()
    {
        { "wrong root", """<?xml version="1.0"?><Message type="HeartbeatRequest"><HeartbeatRequest/></Message>""" },
        { "part of a message as root", """<Footmark><TimeStamp sec="1" usec="0"/></Footmark>""" },
        {
            "invalid enumeration",
            """<InterTrackMessage type="HeartbeatRequest"><HeartbeatRequest><Master><NodeID""" +
            """ idtype="ROUTER"><FQDN>x</FQDN></NodeID></Master></HeartbeatRequest></InterTrackMessage>"""
        },
        { "type attribute naming another body",
        """<InterTrackMessage type="HeartbeatReply"><HeartbeatRequest><Master><NodeID""" +
        """ idtype="FQDN"><FQDN>x</FQDN></NodeID></Master></HeartbeatRequest></InterTrackMessage>""" },
        { "usec out of range",
        """<InterTrackMessage type="HeartbeatReply"><HeartbeatReply><Master><NodeID idtype="FQDN"><FQDN>a</FQDN></NodeID></Master><Slave><NodeID""" +
        """ idtype="FQDN"><FQDN>b</FQDN></NodeID></Slave><TimeStamp sec="1" usec="1000000"/></HeartbeatReply></InterTrackMessage>""" },
    };

    [Theory]
    [MemberData(nameof(InvalidDocuments))]
    public async Task A_complete_but_invalid_document_gets_an_error_reply_and_the_connection_goes_on(string attack, string document)
    {
        await using var hostile = await RawPeer.ConnectAsync(_listener, _hostileCredentials);
        await hostile.WriteAsync(Encoding.UTF8.GetBytes(document));
        AssertGenericError(await hostile.ReadMessageAsync(), attack);

        // Framing was kept: a valid message on the same connection is answered.
        await hostile.WriteAsync(new MessageCodec().Encode(new HeartbeatRequest(NeighborNode.ForItm(Hostile.AsNumber))));
        Assert.IsType<HeartbeatReply>(await hostile.ReadMessageAsync());
        await AssertGoodPeerServedAsync();
    }

    [Fact]
    public async Task A_truncated_document_is_closed_cleanly()
    {
        await using var hostile = await RawPeer.ConnectAsync(_listener, _hostileCredentials);
        var bytes = new MessageCodec().Encode(MessageSamples.ItmRequest(16));
        await hostile.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
        await hostile.ShutdownWriteAsync();
        var replies = await hostile.ReadUntilClosedAsync();
        Assert.True(replies.Count <= 1);
        if (replies.Count == 1)
        {
            AssertGenericError(replies[0], "truncated");
        }
        await AssertGoodPeerServedAsync();
    }

    [Fact]
    public async Task A_100_MiB_stream_without_an_end_tag_is_cut_off_at_the_cap_in_bounded_memory()
    {
        await using var hostile = await RawPeer.ConnectAsync(_listener, _hostileCredentials);
        var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("<Option type=\"x\">aaaaaaaaaaaaaaaaaa</Option>", 1500)));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await hostile.WriteAsync("<InterTrackMessage type=\"HeartbeatRequest\"><HeartbeatRequest>"u8.ToArray());
        long sent = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        try
        {
            while (sent < 100L * 1024 * 1024 && DateTime.UtcNow < deadline)
            {
                await hostile.WriteAsync(chunk);
                sent += chunk.Length;
            }
        }
        catch (IOException)
        {
            // the server closed the connection: expected
        }
        var replies = await hostile.ReadUntilClosedAsync();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(sent < 100L * 1024 * 1024, $"the server took all {sent} bytes");
        Assert.True(allocated < 48L * 1024 * 1024, $"{allocated / 1024 / 1024} MiB allocated while {sent / 1024 / 1024} MiB were sent");
        if (replies.Count > 0)
        {
            AssertGenericError(replies[0], "oversize");
            Assert.Equal("message too large", ((HeartbeatError)replies[0]).Error.Message);
        }
        await AssertGoodPeerServedAsync();
    }

    [Fact]
    public async Task A_slow_client_sending_one_byte_per_second_is_dropped_while_others_are_served()
    {
        // The server's clock is a fake one: a "second" passes when the test says, however busy the machine is.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var listener = EchoServer.Start(_serverCredentials, [Good, Hostile], Options, time);
        await using var good = await MessageClient.ConnectTlsAsync("127.0.0.1", listener.LocalEndPoint.Port, Server, _goodCredentials, Options);
        await using var hostile = await RawPeer.ConnectAsync(listener, _hostileCredentials);
        var bytes = new MessageCodec().Encode(new HeartbeatRequest(NeighborNode.ForItm(Hostile.AsNumber)));
        var closed = hostile.ReadUntilClosedAsync();
        int second = 0;
        for (; second < 3; second++)
        {
            // One byte a second; the server's message timeout is 3 s, so it must not drop the client yet.
            await hostile.WriteAsync(bytes.AsMemory(second, 1));
            Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(good, Good.AsNumber)); // others are served meanwhile
            Assert.False(closed.IsCompleted, $"dropped after {second} s, before the 3 s message timeout");
            time.Advance(TimeSpan.FromSeconds(1));
        }
        // Past the timeout: the server drops it. The socket needs real time to tell, so look again after each further second (at most 10).
        for (; second < 10 && await Task.WhenAny(closed, Task.Delay(TimeSpan.FromMilliseconds(500))) != closed; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.True(closed.IsCompleted, "the slow client was not dropped within 10 s");
        AssertGenericError(Assert.Single(await closed), "slowloris");
        Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(good, Good.AsNumber));
    }

    private async Task AssertGoodPeerServedAsync() =>
        Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(_good, Good.AsNumber));

    private static void AssertGenericError(InterTrackMessage? reply, string attack)
    {
        var error = Assert.IsType<HeartbeatError>(reply);
        Assert.True(GenericTexts.Contains(error.Error.Message), $"{attack}: reply text '{error.Error.Message}' is not a generic one");
    }

    public async Task DisposeAsync()
    {
        await _good.DisposeAsync();
        await _listener.DisposeAsync();
        _serverCredentials.Dispose();
        _goodCredentials.Dispose();
        _hostileCredentials.Dispose();
    }

    public void Dispose() => _pki.Dispose();

    /// <summary>A peer with a valid certificate that writes raw bytes and reads whatever comes back.</summary>
    private sealed class RawPeer : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private readonly SslStream _ssl;
        private readonly FrameReader _frames;
        private readonly MessageCodec _codec = new();

        private RawPeer(TcpClient tcp, SslStream ssl)
        {
            _tcp = tcp;
            _ssl = ssl;
            _frames = new FrameReader(System.IO.Pipelines.PipeReader.Create(ssl), ProtocolLimits.Default);
        }

        public bool RemoteClosed { get; private set; }

        public static async Task<RawPeer> ConnectAsync(MessageListener listener, TlsCredentials credentials)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(listener.LocalEndPoint);
            var server = new PeerAuthenticator(credentials.FederationCa, id => id == Server);
            var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) => server.Authenticate(certificate, out _) is not null);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "server",
                ClientCertificates = [credentials.Certificate],
            });
            return new RawPeer(tcp, ssl);
        }

        public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
        {
            await _ssl.WriteAsync(bytes);
            await _ssl.FlushAsync();
        }

        public async Task ShutdownWriteAsync() => await _ssl.ShutdownAsync();

        public async Task<InterTrackMessage?> ReadMessageAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var frame = await _frames.ReadFrameAsync(timeout.Token);
            return frame is null ? null : _codec.Decode(frame);
        }

        /// <summary>Every message until the server closes (bounded by 20 s).</summary>
        public async Task<List<InterTrackMessage>> ReadUntilClosedAsync()
        {
            var messages = new List<InterTrackMessage>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                while (await _frames.ReadFrameAsync(timeout.Token) is { } frame)
                {
                    messages.Add(_codec.Decode(frame));
                }
            }
            catch (IOException)
            {
                // reset by the server: closed
            }
            RemoteClosed = true;
            Assert.False(timeout.IsCancellationRequested, "the server did not close the connection");
            return messages;
        }

        public async ValueTask DisposeAsync()
        {
            await _ssl.DisposeAsync();
            _tcp.Dispose();
        }
    }
}
