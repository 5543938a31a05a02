using InterTrack.LinkTesting;
using InterTrack.Node.Tracing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.IntegrationTests.LinkTesting;

/// <summary>A router whose nft command fails (here the program <c>false</c>), as the node runs it.</summary>
public sealed class NftUnreadableRouterTests
{
    [Fact]
    public void A_router_whose_counters_cannot_be_read_has_kept_nothing_rather_than_answering_no()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var counters = new NftLinkCounters([new LinkTestRouter("r1", ["false"])], time, NullLogger.Instance);
        var evidence = new LinkTestEvidence(counters, TimeSpan.FromSeconds(10), time);

        var answer = evidence.Ask("eth0:in", new TracedPacket(TestPackets.Udp4(1), null), TimeSpan.Zero);

        Assert.Equal(LinkAnswer.NothingKept, answer);
    }
}
