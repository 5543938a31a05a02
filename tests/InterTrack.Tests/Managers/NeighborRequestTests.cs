using System.Net;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Tracing;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Transport;

namespace InterTrack.Tests.Managers;

public sealed class NeighborRequestTests : IDisposable
{
    private readonly TestPki _pki = new();

    [Fact]
    public async Task Two_questions_of_one_trace_to_the_same_neighbour_each_get_their_own_answer()
    {
        // One trace may ask a neighbour twice at once with different packets: as its neighbour and, behind a gap, by
        // skip-over. Replies carry only the message id, so the second must not be mistaken for (or refused as) the first.
        var neighbor = new NodeIdentity(65002, NodeRole.Itm);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int received = 0;
        await using var listener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), _pki.Issue(65002, "itm"),
            PeerAuthenticator.Only([new NodeIdentity(65001, NodeRole.Itm)]), async (connection, message, ct) =>
            {
                if (message is ItmTraceRequest request)
                {
                    Interlocked.Increment(ref received);
                    await release.Task.WaitAsync(ct);
                    uint packets = (uint)EvidencePackets.Footmarks(request.Evidence).Count; // the answer tells which question it answers
                    await connection.SendAsync(new ItmTraceReply(neighbor.ToNeighborNode(), request.MessageId, new InterAsTraceResult(packets)
                    {
                        Ases = [new AsEntry(NodeId.ForItm(65002), AsStatus.Source, 1, packets, TraceState.Found)],
                    }), ct);
                }
            });
        await using var neighbors = new NetworkItmNeighbors(new Dictionary<uint, PeerEndpoint>
        {
            [65002] = new("127.0.0.1", listener.LocalEndPoint.Port, neighbor),
        }, _pki.Issue(65001, "itm"));

        var id = new MessageId(NeighborNode.ForItm(65001), new TimeVal(1_800_000_000, 1));
        var asOne = neighbors.TraceAsync(65002, Request(id, 1), CancellationToken.None);
        var asTwo = neighbors.TraceAsync(65002, Request(id, 2), CancellationToken.None);
        await WaitUntil(() => Volatile.Read(ref received) > 0);
        release.SetResult();

        Assert.Equal(1u, (await asOne.WaitAsync(TimeSpan.FromSeconds(30))).Reply.Result.Degree);
        Assert.Equal(2u, (await asTwo.WaitAsync(TimeSpan.FromSeconds(30))).Reply.Result.Degree);
    }

    private static ItmTraceRequest Request(MessageId id, int packets) =>
        new(NeighborNode.ForItm(65002), id, 63, new ItmPathList(NeighborNode.ForItm(65001), []),
            EvidencePackets.ToEvidence([.. Enumerable.Range(0, packets).Select(i => EvidencePackets.ToFootmark(TestPackets.Udp4(i), i))],
            new TimeVal(1_800_000_000, 0)));

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token); // waits for the socket, not for time to pass
        }
    }

    public void Dispose() => _pki.Dispose();
}
