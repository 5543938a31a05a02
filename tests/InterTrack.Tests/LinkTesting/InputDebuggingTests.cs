using InterTrack.LinkTesting;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.LinkTesting;

public sealed class InputDebuggingTests
{
    // Border router B faces AS65002; core router C; access routers A1 and A2 serve hosts.
    private static readonly DomainRouter[] Routers =
    [
        new("B", [new("B<-C", "C"), new("B<-as65002", "as:65002")]),
        new("C", [new("C<-A1", "A1"), new("C<-A2", "A2"), new("C<-B", "B")]),
        new("A1", [new("A1<-hosts", RouterIngress.Hosts), new("A1<-C", "C")]),
        new("A2", [new("A2<-hosts", RouterIngress.Hosts), new("A2<-C", "C")]),
    ];

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>An attack from a host behind A2, out through B, counted on the links it crosses until <paramref name="until"/>.</summary>
    private static (LinkCounters, List<byte[]>) Attack(DateTimeOffset until)
    {
        var counters = new LinkCounters();
        var packets = Enumerable.Range(0, 5).Select(i => TestPackets.Udp4(i)).ToList();
        long ns = (until - DateTimeOffset.UnixEpoch).Ticks * 100;
        foreach (var packet in packets)
        {
            foreach (var link in new[] { "A2<-hosts", "C<-A2", "B<-C" })
            {
                counters.Count(link, AttackSignature.Of(packet)!.Value, ns);
            }
        }
        return (counters, packets);
    }

    private static Task<DtmTraceReply> TraceAsync(LinkCounters counters, List<byte[]> packets, TimeProvider time)
    {
        var dtm = new FloodDtm(65001, Routers, new LinkTestEvidence(counters, Window, time), TimeSpan.Zero);
        var request = new DtmTraceRequest(NeighborNode.ForItm(65001), new MessageId(NeighborNode.ForItm(65009), new TimeVal(1, 0)),
            EvidencePackets.ToEvidence([.. packets.Select(p => EvidencePackets.ToFootmark(p, 0))], new TimeVal(1, 0)));
        return dtm.TraceAsync(request, CancellationToken.None);
    }

    [Fact]
    public async Task While_the_attack_lasts_input_debugging_walks_upstream_to_the_sources_first_hop()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (counters, packets) = Attack(time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(3)); // still within the window: the attack is on

        var agent = Assert.Single((await TraceAsync(counters, packets, time)).Result.SubDomains).Agent!;

        Assert.Equal(TraceState.Found, agent.State);
        Assert.Equal("linktest", agent.TsType);
        Assert.Equal([("B", 0u), ("C", 1u), ("A2", 2u)], agent.SubAgents.Select(s => (((OtherNodeId)s.NodeId).Text, s.Depth)));
        Assert.Equal("A2<-hosts", Assert.Single(agent.SubAgents, s => s.Suspected is not null).Suspected!.LearnedInterface);
    }

    [Fact]
    public async Task Once_the_attack_has_ended_nothing_is_kept_and_the_dtm_says_so_rather_than_not_found()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (counters, packets) = Attack(time.GetUtcNow());
        time.Advance(Window + TimeSpan.FromSeconds(1));

        var reply = await TraceAsync(counters, packets, time);

        Assert.Empty(reply.Result.SubDomains);
        Assert.Contains("within the last 10 s window", reply.Result.Error!.Message, StringComparison.Ordinal);
        var evidence = new LinkTestEvidence(counters, Window, time);
        Assert.True(evidence.Ask("B<-C", new TracedPacket(packets[0], null), TimeSpan.Zero).Expired); // not "no": the counters are past
    }

    [Fact]
    public void Another_destination_protocol_or_port_does_not_match_the_signature()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (counters, _) = Attack(time.GetUtcNow());
        var evidence = new LinkTestEvidence(counters, Window, time);
        var tcp6 = TestPackets.Tcp6(1);
        Assert.False(evidence.Ask("B<-C", new TracedPacket(tcp6, null), TimeSpan.Zero).Seen);
        Assert.True(evidence.Ask("B<-C", new TracedPacket(TestPackets.Udp4(99), null),
            TimeSpan.Zero).Seen); // same victim, protocol and port: the signature, not the packet
    }
}
