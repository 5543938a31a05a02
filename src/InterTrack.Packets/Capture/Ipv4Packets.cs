using System.Buffers.Binary;

namespace InterTrack.Packets.Capture;

/// <summary>
/// Builds IPv4 packets the tools send or write to captures: a 20-byte header with its checksum,
/// then UDP (with a payload) or a TCP SYN, with their checksums. Addresses are host-order integers
/// (0xC6120000 is 198.18.0.0).
/// </summary>
public static class Ipv4Packets
{
    public const int HeaderLength = 20;

    public static byte[] Udp(uint source, uint destination, ushort sourcePort, ushort destinationPort, ushort id, ReadOnlySpan<byte> payload, byte ttl = 64)
    {
        int length = HeaderLength + 8 + payload.Length;
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException($"{payload.Length} bytes of payload do not fit one IPv4 packet", nameof(payload));
        }
        var p = Header(length, id, ttl, 17, source, destination);
        var udp = p.AsSpan(HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udp.Length);
        payload.CopyTo(udp[8..]);
        ushort checksum = TransportChecksum(p, udp);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], checksum == 0 ? (ushort)0xFFFF : checksum); // 0 means "none" in UDP
        return p;
    }

    public static byte[] TcpSyn(uint source, uint destination, ushort sourcePort, ushort destinationPort, ushort id, uint sequence, byte ttl = 64)
    {
        var p = Header(HeaderLength + 20, id, ttl, 6, source, destination);
        var tcp = p.AsSpan(HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        tcp[12] = 5 << 4; // data offset: 20 bytes
        tcp[13] = 0x02;   // SYN
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 64240);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], TransportChecksum(p, tcp));
        return p;
    }

    private static byte[] Header(int length, ushort id, byte ttl, byte protocol, uint source, uint destination)
    {
        var p = new byte[length];
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), id);
        p[8] = ttl;
        p[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(12), source);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(16), destination);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), Fold(Sum(p.AsSpan(0, HeaderLength), 0)));
        return p;
    }

    /// <summary>The TCP/UDP checksum: over the pseudo-header (addresses, protocol, length) and the segment.</summary>
    private static ushort TransportChecksum(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> segment) =>
        Fold(Sum(segment, Sum(packet[12..20], (uint)packet[9] + (uint)segment.Length)));

    private static uint Sum(ReadOnlySpan<byte> bytes, uint sum)
    {
        for (int i = 0; i + 1 < bytes.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(bytes[i..]);
        }
        if (bytes.Length % 2 == 1)
        {
            sum += (uint)bytes[^1] << 8;
        }
        return sum;
    }

    private static ushort Fold(uint sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }
}
