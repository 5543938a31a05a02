using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using InterTrack.Flow;
using InterTrack.Flow.Store;
using InterTrack.Packets.Capture;

namespace InterTrack.IntegrationTests.Flow;

/// <summary>
/// Real exporters into our collector: Debian's softflowd replays third-party captures (dpkt's
/// examples) and one of ours with IPv6, exporting IPFIX and NetFlow v9. Every TCP and UDP packet
/// is then seen by <c>intertrack query --flows</c>, the same packet with another port is not, and
/// nfdump, collecting the same export, counts the same records.
/// </summary>
public sealed class SoftflowdTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("intertrack-softflowd-").FullName;

    public static TheoryData<string, int> Exports => new()
    {
        { "http.pcap", 10 }, { "http.pcap", 9 }, { "dns_icmp.pcap", 10 }, { "dns_icmp.pcap", 9 }, { "ours-v4-v6.pcap", 10 }, { "ours-v4-v6.pcap", 9 },
    };

    [SkippableTheory]
    [MemberData(nameof(Exports))]
    public async Task Every_tcp_and_udp_packet_exported_by_softflowd_is_seen_and_another_port_is_not(string capture, int version)
    {
        Skip.IfNot(File.Exists("/usr/sbin/softflowd") && File.Exists("/usr/bin/nfdump"),
            "softflowd and nfdump are not installed (scripts/test.sh installs them)");
        string path = capture.StartsWith("ours", StringComparison.Ordinal) ? OurCapture() : Path.Combine(ThirdPartyExporters.DpktData, capture);
        Skip.IfNot(File.Exists(path), $"{path} is missing (Debian's python3-dpkt; scripts/test.sh installs it)");
        string store = Path.Combine(_scratch, "store");

        long nfdump = ThirdPartyExporters.NfdumpFlows(ThirdPartyExporters.SoftflowdDatagrams(path, version, _scratch), _scratch);
        using (var flows = FlowStore.OpenWriter(store))
        {
            await using var collector = new FlowCollector(flows);
            var at = collector.ListenUdp(new IPEndPoint(IPAddress.Loopback, 0));
            ThirdPartyExporters.Softflowd(path, at.Port, version, _scratch);
            Wait.Until(() => collector.Records >= nfdump, $"{nfdump} records (nfdump's count) in our collector; it has {collector.Records}");
            Assert.Equal(nfdump, collector.Records);
            Assert.All(collector.Exporters.Values, e => Assert.Empty(e.Problems));
            collector.Finish();
            Assert.All(collector.Exporters.Values, e => Assert.Null(e.DescribeLost())); // softflowd's sequence numbers, read right: no gap
        }

        int asked = 0;
        using var reader = CaptureReader.Open(path);
        for (int i = 0; reader.TryRead(out var packet); i++)
        {
            int ipAt = IpLocator.FindIp(packet.Data, packet.LinkType);
            var ip = ipAt < 0 ? [] : packet.Data[ipAt..].ToArray();
            if (FlowKey.OfPacket(ip) is not { Key.Protocol: 6 or 17 } parsed)
            {
                continue;
            }
            asked++;
            var seen = CliRunner.Run("query", "--flows", store, "--pcap", path, "--index", i.ToString(CultureInfo.InvariantCulture));
            Assert.True(seen.Code == 0, $"packet {i} of {capture} ({parsed.Key}) not seen: {seen.Output}{seen.Error}");

            int ports = (ip[0] >> 4 == 4 ? (ip[0] & 0x0F) * 4 : 40) + 2;
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(ports), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(ip.AsSpan(ports)) ^ 0x5A5A));
            string time = (packet.TimestampNs / 1e9).ToString("F6", CultureInfo.InvariantCulture);
            var other = CliRunner.Run("query", "--flows", store, "--hex", Convert.ToHexString(ip), "--at", time);
            Assert.True(other.Code == 1, $"packet {i} of {capture} with another port: exit {other.Code}: {other.Output}{other.Error}");
        }
        Assert.True(asked >= 10, $"only {asked} TCP/UDP packets in {capture}");
    }

    /// <summary>A capture of our own with what the third-party ones lack: IPv6 (TCP) beside IPv4 (UDP).</summary>
    private string OurCapture()
    {
        string path = Path.Combine(_scratch, "ours-v4-v6.pcap");
        using var writer = PcapWriter.Create(path, LinkType.Ethernet);
        long t = 1_700_000_000_000_000_000;
        for (int i = 0; i < 40; i++)
        {
            writer.Write(TestPackets.Frame(i % 2 == 0 ? TestPackets.Udp4(i) : TestPackets.Tcp6(i), LinkType.Ethernet), t + i * 1_000_000L);
        }
        return path;
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
