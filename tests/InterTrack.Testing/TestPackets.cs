using System.Buffers.Binary;
using System.Net;
using InterTrack.Packets.Capture;
using PacketDotNet;

namespace InterTrack.Testing;

/// <summary>Packets built with PacketDotNet, and frames of every supported link type around them.</summary>
internal static class TestPackets
{
    public static byte[] Udp4(int i, byte ttl = 64, byte tos = 0)
    {
        var udp = new UdpPacket((ushort)(1024 + i % 50000), 53) { PayloadData = BitConverter.GetBytes((long)i).Concat(new byte[24]).ToArray() };
        var ip = new IPv4Packet(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]), new IPAddress([192, 0, 2, 7]))
        {
            TimeToLive = ttl,
            TypeOfService = tos,
            Id = (ushort)i,
            PayloadPacket = udp,
        };
        udp.UpdateCalculatedValues();
        ip.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        return ip.Bytes;
    }

    public static byte[] Tcp6(int i, byte hopLimit = 64)
    {
        var tcp = new TcpPacket((ushort)(2000 + i % 60000), 443) { SequenceNumber = (uint)i * 7919u, Synchronize = true };
        var ip = new IPv6Packet(IPAddress.Parse($"2001:db8::{i & 0xffff:x}"), IPAddress.Parse("2001:db8:1::7"))
        {
            HopLimit = hopLimit,
            PayloadPacket = tcp,
        };
        ip.UpdateCalculatedValues();
        return ip.Bytes;
    }

    /// <summary>The frame of <paramref name="ip"/> on a link of the given type; vlanTags adds 802.1Q/QinQ tags to Ethernet.</summary>
    public static byte[] Frame(byte[] ip, LinkType link, int vlanTags = 0, bool nullBigEndian = false)
    {
        bool v6 = ip[0] >> 4 == 6;
        ushort etherType = v6 ? (ushort)0x86DD : (ushort)0x0800;
        byte[] header;
        switch (link)
        {
            case LinkType.Ethernet:
                header = new byte[14 + 4 * vlanTags];
                header[0] = 0x02; header[6] = 0x02; header[11] = 1;
                for (int t = 0; t < vlanTags; t++)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(12 + 4 * t), t == 0 && vlanTags > 1 ? (ushort)0x88A8 : (ushort)0x8100);
                    BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14 + 4 * t), (ushort)(100 + t));
                }
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(12 + 4 * vlanTags), etherType);
                break;
            case LinkType.LinuxSll:
                header = new byte[16];
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), 1); // ARPHRD_ETHER
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 6);
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), etherType);
                break;
            case LinkType.LinuxSll2:
                header = new byte[20];
                BinaryPrimitives.WriteUInt16BigEndian(header, etherType);
                BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 3); // interface index
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8), 1);
                break;
            case LinkType.Null:
                header = new byte[4];
                uint family = v6 ? 24u : 2u;
                if (nullBigEndian) BinaryPrimitives.WriteUInt32BigEndian(header, family);
                else BinaryPrimitives.WriteUInt32LittleEndian(header, family);
                break;
            case LinkType.Loop:
                header = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(header, v6 ? 24u : 2u);
                break;
            default:
                header = [];
                break;
        }
        return [.. header, .. ip];
    }
}
