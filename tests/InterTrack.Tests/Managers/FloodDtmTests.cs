using InterTrack.Digest;
using InterTrack.Emulation;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Managers;

public class FloodDtmTests
{
    // Border router B faces AS65002; core router C; access routers A1 and A2 serve hosts.
    private static readonly DomainRouter[] Routers =
    [
        new("B", [new("B<-C", "C"), new("B<-as65002", "as:65002")]),
        new("C", [new("C<-A1", "A1"), new("C<-A2", "A2"), new("C<-B", "B")]),
        new("A1", [new("A1<-hosts", RouterIngress.Hosts), new("A1<-C", "C")]),
        new("A2", [new("A2<-hosts", RouterIngress.Hosts), new("A2<-C", "C")]),
    ];

    [Fact]
    public async Task Reverse_path_flooding_finds_the_first_hop_router_of_the_source()
    {
        long t0 = TimeVal.ToNs(DateTimeOffset.UtcNow);
        var tables = Routers.SelectMany(r => r.Ingress).ToDictionary(i => i.Link, i => new DigestTable(i.Link, new DigestOptions { PageCapacity = 10_000 }));
        var packets = Enumerable.Range(0, 5).Select(i => TestPackets.Udp4(i)).ToList();
        var invariant = new byte[PacketInvariant.MaxLength];
        foreach (var packet in packets)
        {
            var key = invariant.AsSpan(0, PacketInvariant.FromIp(packet, invariant));
            foreach (var link in new[] { "A2<-hosts", "C<-A2", "B<-C" }) // host behind A2 → C → B → out to AS65002
            {
                tables[link].Add(key, t0);
            }
        }
        foreach (var table in tables.Values)
        {
            table.Add(BitConverter.GetBytes(-1L), t0); // every link has pages for that time
            table.Flush();
        }
        using var pages = new PageSet(tables.Values.SelectMany(t => t.Pages).ToList());
        var dtm = new FloodDtm(65001, Routers, new DigestEvidence(pages), TimeSpan.FromSeconds(2));
        var request = new DtmTraceRequest(NeighborNode.ForItm(65001), new MessageId(NeighborNode.ForItm(65009), new TimeVal(1, 0)),
            EvidencePackets.ToEvidence([.. packets.Select(p => EvidencePackets.ToFootmark(p, t0))], new TimeVal(1, 0)));

        var reply = await dtm.TraceAsync(request, CancellationToken.None);

        var agent = Assert.Single(reply.Result.SubDomains).Agent!;
        Assert.Equal(TraceState.Found, agent.State);
        Assert.Equal(100u, reply.Result.Degree);
        Assert.Equal([("B", 0u), ("C", 1u), ("A2", 2u)], agent.SubAgents.Select(s => (((OtherNodeId)s.NodeId).Text, s.Depth)));
        var firstHop = Assert.Single(agent.SubAgents, s => s.Suspected is not null);
        Assert.Equal(("A2", "A2<-hosts"), (((OtherNodeId)firstHop.NodeId).Text, firstHop.Suspected!.LearnedInterface));
    }
}
