using InterTrack.LinkTesting;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.IntegrationTests.LinkTesting;

/// <summary>
/// A link-testing AS asked after its routers forgot the attack (nftables drops a counter a window
/// after its last packet): an absent counter is "nothing kept", not "not through me". The router
/// is a script printing what 'nft -j list table' would, so the test sets what it holds.
/// </summary>
public sealed class ExpiredCountersTests : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    // AS65004: attacker hosts behind r1, providers AS65002 (which the attack leaves by) and AS65003.
    private static readonly BorderLink[] Links =
    [
        new("r1-as65002:in", 65002, BorderDirection.In), new("r1-as65002:out", 65002, BorderDirection.Out),
        new("r1-as65003:in", 65003, BorderDirection.In), new("r1-as65003:out", 65003, BorderDirection.Out),
    ];

    private readonly string _listing = Path.Combine(Path.GetTempPath(), $"intertrack-nft-{Guid.NewGuid():N}.json");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    /// <summary>
    /// What the router holds: the attack (UDP to 192.0.2.7 port 53) leaving on <paramref name="links"/>, its last
    /// packet <paramref name="secondsAgo"/> ago.
    /// </summary>
    private void RouterHolds(int secondsAgo, params string[] links)
    {
        string elements = string.Join(',', links.Select(l =>
            $$"""{"elem": {"val": {"concat": ["192.0.2.7", 17, 53, "{{l}}"]},""" +
            $$""" "expires": {{10 - secondsAgo}}, "counter": {"packets": 50, "bytes": 3000} } }"""));
        File.WriteAllText(_listing, $$$"""
            {"nftables": [{"set": {"family": "inet", "name": "out4", "table": "intertrack_linktest", "timeout": 10, "elem": [{{{elements}}}]}}]}
            """);
    }

    private NftLinkCounters Counters(params LinkTestRouter[] more) =>
        new([new LinkTestRouter("r1", ["sh", "-c", "cat \"$0\"", _listing]), .. more], _time, NullLogger.Instance);

    /// <summary>The victim's capture of the attack: five packets, the last <paramref name="secondsAgo"/> ago.</summary>
    private List<TracedPacket> Captured(double secondsAgo)
    {
        long at = (_time.GetUtcNow() - TimeSpan.FromSeconds(secondsAgo) - DateTimeOffset.UnixEpoch).Ticks * 100;
        return [.. Enumerable.Range(0, 5).Select(i => new TracedPacket(TestPackets.Udp4(i), at))];
    }

    private static BorderTraceResult Trace(BorderBtm btm, List<TracedPacket> packets)
    {
        var evidence = EvidencePackets.ToEvidence([.. packets.Select(p => EvidencePackets.ToFootmark(p.Ip, p.TimestampNs!.Value))], new TimeVal(1, 0));
        var request = new BtmTraceRequest(NeighborNode.ForItm(65004), new MessageId(NeighborNode.ForItm(65001), new TimeVal(1, 0)), evidence);
        return btm.TraceAsync(request, CancellationToken.None).GetAwaiter().GetResult().Result;
    }

    [Fact]
    public void Once_the_routers_have_forgotten_the_attack_the_btm_answers_unknown_with_the_reason_not_not_found()
    {
        RouterHolds(secondsAgo: 1, "r1-as65002");
        var btm = new BorderBtm(65004, Links, new LinkTestEvidence(Counters(), Window, _time), TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(5));
        var packets = Captured(secondsAgo: 1);

        var during = Trace(btm, packets);
        Assert.Equal(AsStatus.Source, during.Status);
        Assert.Equal([65002u], during.Outgoings!.Select(o => o.AsNumber));

        // The trace comes later than the window after the attack: nftables has dropped the counter.
        RouterHolds(secondsAgo: 0);
        _time.Advance(Window + TimeSpan.FromSeconds(5));
        var after = Trace(btm, packets);

        Assert.Equal(AsStatus.Unknown, after.Status);
        Assert.Equal(TraceState.Error, after.State);
        Assert.Equal(0u, after.Degree);
        Assert.Contains("no counter for 192.0.2.7 protocol 17 port 53 within the last 10 s window: the attack may have ended", after.Error!.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_counter_is_a_no_only_for_a_packet_whose_time_the_reading_covers()
    {
        RouterHolds(secondsAgo: 1, "r1-as65002");
        var evidence = new LinkTestEvidence(Counters(), Window, _time);
        var tolerance = TimeSpan.FromSeconds(2);
        _time.Advance(TimeSpan.FromSeconds(25));
        var recent = Captured(secondsAgo: 3)[0];
        var older = Captured(secondsAgo: 20)[0]; // counted, but its counter would be gone by now

        Assert.True(evidence.Ask("r1-as65002:out", recent, tolerance).Seen);
        Assert.Equal(LinkAnswer.NotSeen, evidence.Ask("r1-as65003:out", recent, tolerance));
        Assert.True(evidence.Ask("r1-as65002:out", older, tolerance).Seen); // the attack still crosses: seen, whatever the packet's time
        Assert.Equal(LinkAnswer.NothingKept, evidence.Ask("r1-as65003:out", older, tolerance));
        Assert.Null(evidence.CannotLookUp(older));

        // Counters installed after the packet crossed say nothing about it.
        var installedSince = new LinkTestEvidence(Counters(), Window, _time);
        Assert.Equal(LinkAnswer.NothingKept, installedSince.Ask("r1-as65003:out", recent, tolerance));
    }

    [Fact]
    public void While_a_router_cannot_be_read_a_missing_counter_is_unknown_and_the_counted_links_still_answer()
    {
        RouterHolds(secondsAgo: 1, "r1-as65002");
        var evidence = new LinkTestEvidence(Counters(new LinkTestRouter("r2", ["false"])), Window, _time);
        _time.Advance(TimeSpan.FromSeconds(5));
        var packet = Captured(secondsAgo: 3)[0];

        Assert.True(evidence.Ask("r1-as65002:out", packet, TimeSpan.Zero).Seen);
        Assert.Equal(LinkAnswer.NothingKept, evidence.Ask("r2-as65003:out", packet, TimeSpan.Zero)); // its counter may be on r2, which did not answer
    }

    public void Dispose() => File.Delete(_listing);
}
