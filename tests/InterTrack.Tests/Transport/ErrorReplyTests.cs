using System.Net;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Transport;

/// <summary>An error reply about one request fails that request only, not the others in flight on the same connection.</summary>
public sealed class ErrorReplyTests : IDisposable
{
    private readonly TestPki _pki = new();

    /// <summary>A BTM that fails the request of one message id, and answers the others once released.</summary>
    private sealed class PickyBtm(MessageId failing, Task release) : IBtmClient
    {
        public async Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
        {
            if (request.MessageId == failing)
            {
                throw new InvalidOperationException("this one breaks");
            }
            await release.WaitAsync(cancellationToken);
            return new BtmTraceReply(NeighborNode.ForItm(65001), request.MessageId, new BorderTraceResult(AsStatus.NotFound, 100, TraceState.NotFound));
        }
    }

    private static BtmTraceRequest Request(uint sequence) =>
        new(NeighborNode.ForItm(65001), new MessageId(NeighborNode.ForItm(65001), new TimeVal(1_700_000_000, sequence)),
            new Footmark(new PacketDump("4500", DumpEncoding.Hex, DumpHeader.Ip, 0, 2), new TimeVal(1_700_000_000, 0)));

    [Fact]
    public async Task A_failed_request_fails_alone_and_the_other_is_answered()
    {
        var release = new TaskCompletionSource();
        var bad = Request(1);
        using var btmCredentials = _pki.Issue(65001, "btm");
        using var itmCredentials = _pki.Issue(65001, "itm");
        await using var listener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), btmCredentials,
            PeerAuthenticator.Only([new NodeIdentity(65001, NodeRole.Itm)]), ManagerServices.Btm(new PickyBtm(bad.MessageId, release.Task)));
        await using var client = new NetworkBtmClient(new PeerEndpoint("127.0.0.1", listener.LocalEndPoint.Port, new NodeIdentity(65001, NodeRole.Btm)),
            itmCredentials);

        var good = client.TraceAsync(Request(2), CancellationToken.None);
        var failing = client.TraceAsync(bad, CancellationToken.None);
        var error = await Assert.ThrowsAsync<IOException>(() => failing);
        Assert.Contains("internal error", error.Message, StringComparison.Ordinal);
        release.SetResult(); // only now may the good one be answered: the error came first
        var answer = await good.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Request(2).MessageId, answer.MessageId);
    }

    public void Dispose() => _pki.Dispose();
}
