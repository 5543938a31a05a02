using InterTrack.Digest;
using InterTrack.Node.Tracing;

namespace InterTrack.Tests.Digest;

public class BorderClassifierTests
{
    private const long T0 = 1_764_000_000L * 1_000_000_000;

    // Our AS has border links to AS 100 and AS 200 (both directions) and AS 300 (in only).
    private static readonly BorderLink[] Links =
    [
        BorderLink.OnInterface("eth1", 100, BorderDirection.In),
        BorderLink.OnInterface("eth1", 100, BorderDirection.Out),
        BorderLink.OnInterface("eth2", 200, BorderDirection.In),
        BorderLink.OnInterface("eth2", 200, BorderDirection.Out),
        BorderLink.OnInterface("eth3", 300, BorderDirection.In),
    ];

    /// <summary>Packets by where they were seen: the link names each packet crossed.</summary>
    private static BorderVerdict Classify(params string[][] crossings)
    {
        var options = new DigestOptions { PageCapacity = 10_000 };
        var tables = Links.Select(l => new DigestTable(l.Link, options)).ToList();
        var packets = new List<TracedPacket>();
        for (int i = 0; i < crossings.Length; i++)
        {
            var ip = TestPackets.Udp4(1000 + i);
            foreach (var link in crossings[i])
            {
                tables.Single(t => t.Link == link).Add(PacketInvariant.Of(ip), T0 + i);
            }
            packets.Add(new TracedPacket(ip, T0 + i));
        }
        // Every table has pages for the time of the flow, as a running agent would.
        foreach (var table in tables)
        {
            table.Add(BitConverter.GetBytes(-1L), T0);
            table.Flush();
        }
        using var pages = new PageSet(tables.SelectMany(t => t.Pages).ToList());
        return new BorderClassifier(Links, new DigestEvidence(pages), TimeSpan.FromSeconds(1)).Classify(packets);
    }

    [Fact]
    public void A_flow_that_only_leaves_is_outgoing()
    {
        var verdict = Classify(["eth1:out"], ["eth1:out"], ["eth2:out"]);
        Assert.Equal(BorderCase.Outgoing, verdict.Case);
        Assert.Empty(verdict.IncomingAses);
        Assert.Equal([100u, 200u], verdict.OutgoingAses);
        Assert.Equal(100, verdict.Confidence);
    }

    [Fact]
    public void A_flow_that_only_enters_is_incoming_from_its_neighbours()
    {
        var verdict = Classify(["eth3:in"], ["eth1:in"], ["eth3:in"]);
        Assert.Equal(BorderCase.Incoming, verdict.Case);
        Assert.Equal([100u, 300u], verdict.IncomingAses);
        Assert.Empty(verdict.OutgoingAses);
    }

    [Fact]
    public void A_flow_that_enters_and_leaves_is_transit()
    {
        var verdict = Classify(["eth3:in", "eth2:out"], ["eth1:in", "eth2:out"]);
        Assert.Equal(BorderCase.Transit, verdict.Case);
        Assert.Equal([100u, 300u], verdict.IncomingAses);
        Assert.Equal([200u], verdict.OutgoingAses);
        Assert.Equal([300u], verdict.EnteredFrom[0]); // whom to ask about which packet
        Assert.Equal([100u], verdict.EnteredFrom[1]);
    }

    [Fact]
    public void A_leaving_flow_of_which_part_entered_is_incoming_and_outgoing()
    {
        var verdict = Classify(["eth3:in", "eth2:out"], ["eth2:out"], ["eth2:out"]);
        Assert.Equal(BorderCase.IncomingOutgoing, verdict.Case);
        Assert.Equal([300u], verdict.IncomingAses);
        Assert.Equal([200u], verdict.OutgoingAses);
    }

    [Fact]
    public void A_flow_the_border_never_saw_is_none_and_half_seen_lowers_confidence()
    {
        var none = Classify([], []);
        Assert.Equal(BorderCase.None, none.Case);
        Assert.Equal(100, none.Confidence); // sure: pages covered the time and did not have it

        var half = Classify(["eth1:out"], []);
        Assert.Equal(BorderCase.Outgoing, half.Case);
        Assert.Equal(50, half.Confidence);
    }

    [Fact]
    public void Packets_older_than_every_kept_page_are_unanswered_not_none()
    {
        var options = new DigestOptions { PageCapacity = 10_000 };
        using var table = new DigestTable("eth1:in", options);
        table.Add(PacketInvariant.Of(TestPackets.Udp4(1)), T0);
        table.Flush();
        using var pages = new PageSet(table.Pages.ToList());
        var verdict = new BorderClassifier(Links, new DigestEvidence(pages), TimeSpan.FromSeconds(1))
            .Classify([new TracedPacket(TestPackets.Udp4(1), T0 - 3_600_000_000_000)]);
        Assert.Equal(BorderCase.None, verdict.Case);
        Assert.Equal(1, verdict.Unanswered);
        Assert.Equal(0, verdict.Confidence);
    }
}
