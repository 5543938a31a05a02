using InterTrack.Packets.Capture;
using PacketDotNet;

namespace InterTrack.Tests.Capture;

/// <summary>The packets the lab sends and the tools write parse as what they claim, with valid checksums (checked by PacketDotNet).</summary>
public sealed class Ipv4PacketsTests
{
    [Fact]
    public void A_udp_packet_with_a_payload_has_valid_ip_and_udp_checksums()
    {
        var bytes = Ipv4Packets.Udp(0xC6120001, 0xCB007107, 1024, 53, 7, [1, 2, 3], ttl: 60); // odd payload length
        var ip = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(bytes));
        Assert.True(ip.ValidChecksum);
        Assert.Equal(("198.18.0.1", "203.0.113.7", 60, 7), (ip.SourceAddress.ToString(), ip.DestinationAddress.ToString(), ip.TimeToLive, (int)ip.Id));
        var udp = Assert.IsType<UdpPacket>(ip.PayloadPacket);
        Assert.True(udp.ValidUdpChecksum);
        Assert.Equal((1024, 53), (udp.SourcePort, udp.DestinationPort));
        Assert.Equal([1, 2, 3], udp.PayloadData);
    }

    [Fact]
    public void A_tcp_syn_has_valid_checksums()
    {
        var ip = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(Ipv4Packets.TcpSyn(0xC6120002, 0x0A0A0102, 40000, 80, 9, 12345)));
        Assert.True(ip.ValidChecksum);
        var tcp = Assert.IsType<TcpPacket>(ip.PayloadPacket);
        Assert.True(tcp.ValidTcpChecksum);
        Assert.True(tcp.Synchronize);
        Assert.False(tcp.Acknowledgment);
        Assert.Equal((40000, 80, 12345u), (tcp.SourcePort, tcp.DestinationPort, tcp.SequenceNumber));
    }
}
