using System.Net;
using InterTrack.Flow;
using InterTrack.Flow.Export;
using InterTrack.Packets.Capture;

namespace InterTrack.Cli;

/// <summary>
/// The captures docs/configuration.md's walkthrough traces, made now (the D Point refuses evidence
/// older than its history): <c>attack.pcap</c>, 20 forged-source UDP packets from a host of
/// AS65003 to 203.0.113.7, as seen at the borders they crossed; and <c>exports-65003.pcap</c>, the
/// IPFIX AS65003's router (exporter 127.0.0.1) sent its collector about them — in on interface 1
/// from its hosts, out on interface 2 to AS65002.
/// </summary>
internal static class WalkthroughCaptures
{
    public const int Packets = 20;

    public static (string Attack, string Exports) Write(string directory)
    {
        Directory.CreateDirectory(directory);
        string attack = Path.Combine(directory, "attack.pcap"), exports = Path.Combine(directory, "exports-65003.pcap");
        long now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var records = new List<FlowRecord>();
        using (var pcap = PcapWriter.Create(attack, LinkType.Raw, nanoseconds: true))
        {
            for (int i = 0; i < Packets; i++)
            {
                byte[] packet = Udp(i);
                long at = now + i * 1_000_000L;
                pcap.Write(packet, at);
                var (key, tos) = FlowKey.OfPacket(packet)!.Value;
                records.Add(new FlowRecord
                {
                    IpVersion = key.IpVersion, Protocol = key.Protocol, Tos = tos, Source = key.Source, Destination = key.Destination,
                    SourcePort = key.SourcePort, DestinationPort = key.DestinationPort, IngressInterface = 1, EgressInterface = 2,
                    StartMs = at / 1_000_000, EndMs = at / 1_000_000, Packets = 1, Octets = (ulong)packet.Length, SamplingInterval = 1,
                });
            }
        }
        using (var capture = new ExportCaptureWriter(exports, IPAddress.Loopback, IPAddress.Loopback))
        {
            foreach (var message in new IpfixWriter(1).Messages(records, records[^1].EndMs))
            {
                capture.Write(message, (records[^1].EndMs + 1) * 1_000_000);
            }
        }
        return (attack, exports);
    }

    /// <summary>UDP from a forged source in 198.18.0.0/15 to 203.0.113.7:53.</summary>
    private static byte[] Udp(int i) =>
        Ipv4Packets.Udp(0xC6120000u + (uint)i * 977, 0xCB007107u, (ushort)(1024 + i), 53, (ushort)(1000 + i), [], ttl: 60);
}
