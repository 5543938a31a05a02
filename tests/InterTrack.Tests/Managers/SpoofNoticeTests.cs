using System.Net;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Tracing;
using InterTrack.Node.Transport;
using InterTrack.Protocol;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Protocol;
using InterTrack.Tests.Transport;

namespace InterTrack.Tests.Managers;

/// <summary>Spoofing notices: what goes on the wire, what a victim's ITM keeps, and what it refuses.</summary>
public sealed class SpoofNoticeTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private static readonly long T0 = 1_800_000_000 * Second;
    private readonly TestPki _pki = new();
    private readonly MessageCodec _codec = new();

    /// <summary>AS65002 saw 40 spoofed packets from its customer AS65003 to 192.0.2.7 (TestPackets' destination) in 10 s.</summary>
    private static SpoofNotice Notice(uint notifier = 65002, uint? from = 65003) =>
        new(notifier, from, TestPackets.Udp4(1), T0, TestPackets.Udp4(2), T0 + 10 * Second, 40);

    [Fact]
    public void A_notice_crosses_the_wire_whole()
    {
        var id = new MessageId(NeighborNode.ForItm(65002), new TimeVal(1_800_000_000, 7));
        var sent = Notice();
        var decoded = (ItmTraceResultExport)_codec.Decode(_codec.Encode(sent.ToMessage(id, 65001)));

        var got = SpoofNotice.FromMessage(65002, decoded);
        Assert.Equal((sent.Notifier, sent.EnteredFrom, sent.FirstNs, sent.LastNs, sent.Packets),
            (got.Notifier, got.EnteredFrom, got.FirstNs, got.LastNs, got.Packets));
        Assert.Equal(IPAddress.Parse("192.0.2.7"), got.Destination);
        Assert.Equal(sent.FirstPacket, got.FirstPacket);
        // From its own hosts: the notifier is the Source, and no neighbour is named.
        var own = SpoofNotice.FromMessage(65002, (ItmTraceResultExport)_codec.Decode(_codec.Encode(Notice(from: null).ToMessage(id, 65001))));
        Assert.Null(own.EnteredFrom);
    }

    [SkippableFact]
    public void A_notice_is_valid_under_the_published_schema()
    {
        Requires.ReferenceSchema();
        var id = new MessageId(NeighborNode.ForItm(65002), new TimeVal(1_800_000_000, 7));
        MessageCodecTests.Validate(_codec.Encode(Notice().ToMessage(id, 65001)), MessageCodecTests.ReferenceSchema());
    }

    [Fact]
    public void A_notice_names_only_its_sender_and_must_be_one()
    {
        var id = new MessageId(NeighborNode.ForItm(65002), new TimeVal(1_800_000_000, 7));
        var e = Assert.Throws<FormatException>(() => SpoofNotice.FromMessage(65009, Notice().ToMessage(id, 65001)));
        Assert.Equal("a spoofing notice from AS65009 must start at AS65009's ITM", e.Message);

        var trace = Notice().ToMessage(id, 65001);
        var export = (InterAsResultExport)trace.Export;
        var notANotice = trace with { Export = new AllResultExport(export.Request, export.Reply) };
        Assert.Contains("must be a spoofing notice", Assert.Throws<FormatException>(() => SpoofNotice.FromMessage(65002, notANotice)).Message);
    }

    [Fact]
    public void A_notice_whose_window_runs_backwards_or_longer_than_an_hour_is_refused()
    {
        var id = new MessageId(NeighborNode.ForItm(65002), new TimeVal(1_800_000_000, 7));
        foreach (var bad in new[] { Notice() with { FirstNs = T0 + 20 * Second }, Notice() with { LastNs = T0 + 3601 * Second } })
        {
            var e = Assert.Throws<FormatException>(() => SpoofNotice.FromMessage(65002, bad.ToMessage(id, 65001)));
            Assert.Equal("a spoofing notice's window must run forward and last at most 1 h (one notice per hour)", e.Message);
        }
    }

    [Fact]
    public void A_received_notice_keeps_only_the_headers_of_its_packets()
    {
        var big = new byte[1400];
        TestPackets.Udp4(1).CopyTo(big, 0);
        var id = new MessageId(NeighborNode.ForItm(65002), new TimeVal(1_800_000_000, 7));
        var got = SpoofNotice.FromMessage(65002, (Notice() with { FirstPacket = big, LastPacket = big }).ToMessage(id, 65001));
        Assert.Equal((64, 64), (got.FirstPacket.Length, got.LastPacket.Length));
        Assert.Equal(IPAddress.Parse("192.0.2.7"), got.Destination);
    }

    [Fact]
    public void One_sender_cannot_push_the_others_notices_off_the_board()
    {
        var board = new SpoofNoticeBoard(capacity: 10, perSender: 2);
        board.Add(Notice(65002));
        for (int i = 0; i < 50; i++)
        {
            board.Add(Notice(65009) with { FirstNs = T0 + i * Second, LastNs = T0 + i * Second });
        }
        Assert.Equal(3, board.Count);
        Assert.Equal([65009u], board.NotifiersOf([new TracedPacket(TestPackets.Udp4(3), T0 + 49 * Second)]));
        Assert.Equal([65002u], board.NotifiersOf([new TracedPacket(TestPackets.Udp4(3), T0)])); // 65009's early notices are gone
    }

    [Fact]
    public void Notices_share_the_rate_limit_of_requests_from_other_ases()
    {
        var itm = new Itm(new ItmSettings(65001) { NeighborRateLimit = 1 }, new StubBtm(65001), [], new NoNeighbors(),
            new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)));
        var id = new MessageId(NeighborNode.ForItm(65002), new TimeVal(1_800_000_000, 7));
        Assert.Null(itm.Receive(65002, Notice().ToMessage(id, 65001)));
        Assert.Equal("rate limit exceeded", itm.Receive(65002, Notice().ToMessage(id, 65001)));
        Assert.Equal(1, itm.Notices.Count);
    }

    [Fact]
    public void The_board_names_the_notifiers_whose_window_covers_a_packet_to_their_destination()
    {
        var board = new SpoofNoticeBoard();
        board.Add(Notice(65002));
        board.Add(Notice(65004, from: null) with { FirstNs = T0 + 100 * Second, LastNs = T0 + 110 * Second });

        TracedPacket At(long ns, int i = 3) => new(TestPackets.Udp4(i), ns);
        Assert.Equal([65002u], board.NotifiersOf([At(T0 + 5 * Second)]));
        Assert.Equal([65002u], board.NotifiersOf([At(T0 + 19 * Second)]));                 // within the 10 s tolerance
        Assert.Empty(board.NotifiersOf([At(T0 + 30 * Second)]));                            // between the windows
        Assert.Equal([65002u, 65004u], board.NotifiersOf([At(T0), At(T0 + 105 * Second)]));
        Assert.Equal([65002u, 65004u], board.NotifiersOf([new TracedPacket(TestPackets.Udp4(3), null)])); // no time: any window
        Assert.Empty(board.NotifiersOf([new TracedPacket(TestPackets.Tcp6(3), T0)]));      // another destination
    }

    [Fact]
    public void A_full_board_forgets_the_oldest_notice_first()
    {
        var board = new SpoofNoticeBoard(capacity: 2);
        board.Add(Notice(65002));
        board.Add(Notice(65003));
        board.Add(Notice(65004));
        Assert.Equal(2, board.Count);
        Assert.Equal([65003u, 65004u], board.NotifiersOf([new TracedPacket(TestPackets.Udp4(3), T0)]));
    }

    [Fact]
    public async Task An_itm_keeps_a_notice_sent_over_tls_refuses_a_forged_one_with_the_reason_and_keeps_serving()
    {
        var itm = new Itm(new ItmSettings(65001), new StubBtm(65001), [], new NoNeighbors());
        var other = new NodeIdentity(65002, NodeRole.Itm);
        await using var listener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), _pki.Issue(65001, "itm"),
            PeerAuthenticator.Only([other]), ManagerServices.Itm(itm));
        var endpoint = new PeerEndpoint("127.0.0.1", listener.LocalEndPoint.Port, new NodeIdentity(65001, NodeRole.Itm));
        await using var neighbors = new NetworkItmNeighbors(new Dictionary<uint, PeerEndpoint> { [65001] = endpoint }, _pki.Issue(65002, "itm"));

        await neighbors.NotifyAsync(65001, Notice().ToMessage(new MessageId(other.ToNeighborNode(), new TimeVal(1_800_000_000, 1)), 65001),
            CancellationToken.None);
        await WaitUntil(() => itm.Notices.Count == 1);

        // AS65002 passing off a notice of AS65003's: refused, with the reason, and not kept.
        await using var raw = await MessageClient.ConnectTlsAsync("127.0.0.1", endpoint.Port, endpoint.Identity, _pki.Issue(65002, "itm"));
        await raw.SendAsync(Notice(notifier: 65003).ToMessage(new MessageId(NeighborNode.ForItm(65003), new TimeVal(1_800_000_000, 2)), 65001));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var refused = Assert.IsType<HeartbeatError>(await raw.ReceiveAsync(timeout.Token));
        Assert.Equal("a spoofing notice from AS65002 must start at AS65002's ITM", refused.Error.Message);

        await neighbors.NotifyAsync(65001, Notice(from: null).ToMessage(new MessageId(other.ToNeighborNode(), new TimeVal(1_800_000_000, 3)), 65001),
            CancellationToken.None);
        await WaitUntil(() => itm.Notices.Count == 2);
        Assert.Equal([65002u], itm.Notices.NotifiersOf([new TracedPacket(TestPackets.Udp4(3), T0)]));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token); // waits for the socket, not for time to pass
        }
    }

    private sealed class NoNeighbors : IItmNeighbors
    {
        public Task<NeighborAnswer> TraceAsync(uint neighborAs, ItmTraceRequest request, CancellationToken cancellationToken) =>
            throw new IOException("no neighbours");

        public Task NotifyAsync(uint asNumber, ItmTraceResultExport notice, CancellationToken cancellationToken) => throw new IOException("no neighbours");
    }

    public void Dispose() => _pki.Dispose();
}
