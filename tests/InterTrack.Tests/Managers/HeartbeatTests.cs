using System.Net;
using InterTrack.Managers;
using InterTrack.Pki;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Transport;
using InterTrack.Transport;

namespace InterTrack.Tests.Managers;

public sealed class HeartbeatTests : IDisposable
{
    private readonly TestPki _pki = new();

    [Fact]
    public async Task The_monitor_sees_a_component_answer_heartbeats_and_then_go_down()
    {
        using var btmCredentials = _pki.Issue(65001, "btm");
        using var itmCredentials = _pki.Issue(65001, "itm");
        var btm = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), btmCredentials,
            PeerAuthenticator.Only([new NodeIdentity(65001, NodeRole.Itm)]), ManagerServices.Btm(new StubBtm(65001)));
        var client = new NetworkBtmClient(new PeerEndpoint("127.0.0.1", btm.LocalEndPoint.Port, new NodeIdentity(65001, NodeRole.Btm)), itmCredentials);
        await using var monitor = new HeartbeatMonitor(itmCredentials.Identity, new Dictionary<string, PeerChannel> { ["btm"] = client.Channel }, TimeSpan.FromSeconds(5));

        await monitor.CheckAllAsync(CancellationToken.None);
        var up = monitor.Health["btm"];
        Assert.True(up.Up, up.Problem);
        Assert.InRange(up.RoundTrip, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.InRange(up.ClockOffset.Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1)); // same clock

        await btm.DisposeAsync();
        await monitor.CheckAllAsync(CancellationToken.None);
        Assert.False(monitor.Health["btm"].Up);
        await client.DisposeAsync();
    }

    public void Dispose() => _pki.Dispose();
}
