using InterTrack.LinkTesting;
using InterTrack.Node.Daemon;
using InterTrack.Node.Tracing;
using InterTrack.IntegrationTests.Lab;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.IntegrationTests.LinkTesting;

/// <summary>
/// Link testing on a real router, as root: a router namespace between a host and a server, the
/// node's linktest system installing its nftables counters there, packets sent through it, and the
/// BTM's questions answered per interface and direction.
/// </summary>
public sealed class NftInputDebuggingTests : IDisposable
{
    private readonly NetnsLab _lab = new();

    [SkippableFact]
    public async Task The_routers_counters_show_which_links_carry_the_attack_and_go_when_the_node_stops()
    {
        Requires.Root();
        Requires.Programs("nft");
        string host = _lab.AddNamespace("h"), router = _lab.AddNamespace("r"), server = _lab.AddNamespace("s");
        string hostSide = $"h{_lab.Tag}", fromHost = $"rh{_lab.Tag}", toServer = $"rs{_lab.Tag}", serverSide = $"s{_lab.Tag}";
        _lab.AddVeth(hostSide, host, fromHost, router);
        _lab.AddVeth(toServer, router, serverSide, server);
        NetnsLab.Exec(host, "ip", "addr", "add", "10.9.1.2/24", "dev", hostSide);
        NetnsLab.Exec(host, "ip", "route", "add", "default", "via", "10.9.1.1");
        NetnsLab.Exec(router, "ip", "addr", "add", "10.9.1.1/24", "dev", fromHost);
        NetnsLab.Exec(router, "ip", "addr", "add", "192.0.2.1/24", "dev", toServer);
        NetnsLab.Exec(router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        NetnsLab.Exec(server, "ip", "addr", "add", "192.0.2.7/24", "dev", serverSide);

        var config = new NodeConfig { As = 65001,
            Sections = new Dictionary<string, object> { [LinkTestKind.KindName] = new LinkTestConfig { Routers = [new LinkTestRouterConfig { Name = "r1",
            Nft = ["ip", "netns", "exec", router, "nft"] }] } } };
        var system = new LinkTestSystem();
        system.Start(config, NullLoggerFactory.Instance);
        try
        {
            // The "attack": UDP to 192.0.2.7 port 53 from the host, through the router.
            long sent = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
            NetnsLab.Exec(host, "bash", "-c", "for i in $(seq 20); do echo x > /dev/udp/192.0.2.7/53; done");
            var evidence = system.Evidence(new DtmConfig { System = LinkTestKind.KindName });
            // To 192.0.2.7:53, whatever its source; timed, so a link without its counter is a "no".
            var attack = new TracedPacket(TestPackets.Udp4(5), sent);
            var otherPort = new TracedPacket(TestPackets.Udp4(5).Select((b, i) => i == 23 ? (byte)54 : b).ToArray(), sent);

            Assert.True(evidence.Ask($"{fromHost}:in", attack, TimeSpan.Zero).Seen);
            Assert.True(evidence.Ask($"{toServer}:out", attack, TimeSpan.Zero).Seen);
            Assert.Equal(LinkAnswer.NotSeen, evidence.Ask($"{toServer}:in", attack, TimeSpan.Zero));
            Assert.Equal(LinkAnswer.NotSeen, evidence.Ask($"{fromHost}:in", otherPort, TimeSpan.Zero));
            Assert.Contains("count_in", NetnsLab.Exec(router, "nft", "list", "table", "inet", NftRuleset.Table), StringComparison.Ordinal);
        }
        finally
        {
            await system.DisposeAsync();
        }
        Assert.DoesNotContain(NftRuleset.Table, NetnsLab.Exec(router, "nft", "list", "tables"), StringComparison.Ordinal);
    }

    public void Dispose() => _lab.Dispose();
}
