using System.Buffers.Binary;
using InterTrack.Digest;
using InterTrack.Packets.Capture;

namespace InterTrack.Tests.Capture;

/// <summary>
/// Where ISPs capture, packets come wrapped: PPPoE, MPLS, 802.1ad, GRE, VXLAN, IP in IP. The
/// innermost IP packet is found and digested exactly as if it had been captured bare.
/// </summary>
public sealed class EncapsulationTests
{
    private static readonly byte[] Ethernet = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    public static TheoryData<string, bool> Wrappings() => new()
    {
        { "pppoe-ipv4", false }, { "pppoe-ipv6", true }, { "mpls-1", false }, { "mpls-3", true }, { "qinq", false },
        { "gre-ip", false }, { "gre-key-seq", true }, { "gre-ethernet", false }, { "vxlan", false }, { "vxlan-over-vlan", true },
        { "ipip", false }, { "ip6-in-ip4", true }, { "mpls-gre-vxlan", false },
    };

    [Theory]
    [MemberData(nameof(Wrappings))]
    public void The_inner_packet_is_found_and_digested_as_if_bare(string wrapping, bool ipv6)
    {
        byte[] inner = ipv6 ? TestPackets.Tcp6(7) : TestPackets.Udp4(7);
        byte[] frame = Wrap(wrapping, inner);
        int offset = IpLocator.FindIp(frame, LinkType.Ethernet);
        Assert.Equal(frame.Length - inner.Length, offset);
        Span<byte> bare = stackalloc byte[PacketInvariant.MaxLength], wrapped = stackalloc byte[PacketInvariant.MaxLength];
        int length = PacketInvariant.FromIp(inner, bare);
        Assert.True(wrapped[..DigestScheme.Xxh3.KeyFromFrame(frame, LinkType.Ethernet, wrapped)].SequenceEqual(bare[..length]));
    }

    [Theory]
    [InlineData("pppoe-lcp")]
    [InlineData("mpls-no-bottom")]
    public void A_frame_whose_encapsulation_holds_no_ip_packet_is_not_ip(string wrapping) =>
        Assert.Equal(-1, IpLocator.FindIp(Wrap(wrapping, TestPackets.Udp4(1)), LinkType.Ethernet));

    [Theory]
    [InlineData("gre-version-1")]
    [InlineData("gre-cut")]
    public void A_tunnel_that_cannot_be_followed_leaves_the_outer_packet(string wrapping) =>
        Assert.Equal(14, IpLocator.FindIp(Wrap(wrapping, TestPackets.Udp4(1)), LinkType.Ethernet));

    [Fact]
    public void Nested_tunnels_end_at_a_depth_limit_without_error()
    {
        byte[] packet = TestPackets.Udp4(1);
        for (int i = 0; i < 100; i++)
        {
            packet = IpIn(packet, 4);
        }
        byte[] frame = [.. Ethernet, 0x08, 0x00, .. packet];
        int offset = IpLocator.FindIp(frame, LinkType.Ethernet);
        Assert.InRange(offset, 14, frame.Length - 20);
    }

    private static byte[] Wrap(string wrapping, byte[] ip)
    {
        byte[] type = ip[0] >> 4 == 6 ? [0x86, 0xDD] : [0x08, 0x00];
        byte[] ppp = ip[0] >> 4 == 6 ? [0x00, 0x57] : [0x00, 0x21];
        byte[] Mpls(int labels) => [.. Enumerable.Range(0, labels).SelectMany(l => new byte[] { 0x00, 0x01, (byte)(l == labels - 1 ? 0x01 : 0x00), 64 })];
        byte[] Gre(byte flags, byte[] protocol, int extra, byte[] payload) => [flags, 0, .. protocol, .. new byte[extra], .. payload];
        byte[] Vxlan(byte[] ethernetFrame) => Udp(VxlanHeader().Concat(ethernetFrame).ToArray());
        byte[] EthernetFrame(byte[] packet) => [.. Ethernet, .. type, .. packet];
        return wrapping switch
        {
            "pppoe-ipv4" or "pppoe-ipv6" => [.. Ethernet, 0x88, 0x64, 0x11, 0x00, 0x12, 0x34, 0, (byte)(ip.Length + 2), .. ppp, .. ip],
            "pppoe-lcp" => [.. Ethernet, 0x88, 0x64, 0x11, 0x00, 0x12, 0x34, 0, 10, 0xC0, 0x21, .. ip],
            "mpls-1" => [.. Ethernet, 0x88, 0x47, .. Mpls(1), .. ip],
            "mpls-3" => [.. Ethernet, 0x88, 0x47, .. Mpls(3), .. ip],
            "mpls-no-bottom" => [.. Ethernet, 0x88, 0x47, 0, 1, 0, 64],
            "qinq" => [.. Ethernet, 0x88, 0xA8, 0, 100, 0x81, 0x00, 0, 200, .. type, .. ip],
            "gre-ip" => [.. Ethernet, 0x08, 0x00, .. IpIn(Gre(0, type, 0, ip), 47)],
            "gre-key-seq" => [.. Ethernet, 0x08, 0x00, .. IpIn(Gre(0x30, type, 8, ip), 47)],
            "gre-ethernet" => [.. Ethernet, 0x08, 0x00, .. IpIn(Gre(0, [0x65, 0x58], 0, EthernetFrame(ip)), 47)],
            "gre-version-1" => [.. Ethernet, 0x08, 0x00, .. IpIn([0, 1, .. type, .. ip], 47)],
            "gre-cut" => [.. Ethernet, 0x08, 0x00, .. IpIn([0, 0], 47)],
            "vxlan" => [.. Ethernet, 0x08, 0x00, .. IpIn(Vxlan(EthernetFrame(ip)), 17)],
            "vxlan-over-vlan" => [.. Ethernet, 0x81, 0x00, 0, 5, 0x08, 0x00, .. IpIn(Vxlan([.. Ethernet, 0x81, 0x00, 0, 6, .. type, .. ip]), 17)],
            "ipip" => [.. Ethernet, 0x08, 0x00, .. IpIn(ip, 4)],
            "ip6-in-ip4" => [.. Ethernet, 0x08, 0x00, .. IpIn(ip, 41)],
            "mpls-gre-vxlan" => [.. Ethernet, 0x88, 0x47, .. Mpls(2), .. IpIn(Gre(0, [0x08, 0x00], 0, IpIn(Vxlan(EthernetFrame(ip)), 17)), 47)],
            _ => throw new ArgumentOutOfRangeException(nameof(wrapping)),
        };
    }

    private static byte[] VxlanHeader() => [0x08, 0, 0, 0, 0, 0, 42, 0];

    private static byte[] Udp(byte[] payload)
    {
        var udp = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 50000);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), 4789);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        payload.CopyTo(udp, 8);
        return udp;
    }

    /// <summary>An outer IPv4 header (10.0.0.1 → 10.0.0.2) carrying <paramref name="payload"/> as <paramref name="protocol"/>.</summary>
    private static byte[] IpIn(byte[] payload, byte protocol)
    {
        var packet = new byte[20 + payload.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)Math.Min(packet.Length, ushort.MaxValue));
        packet[8] = 64;
        packet[9] = protocol;
        packet[12] = 10; packet[15] = 1;
        packet[16] = 10; packet[19] = 2;
        payload.CopyTo(packet, 20);
        return packet;
    }
}
