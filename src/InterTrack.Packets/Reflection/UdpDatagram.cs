using System.Buffers.Binary;

namespace InterTrack.Packets.Reflection;

/// <summary>
/// The addresses, ports and payload of a UDP datagram in an IPv4 or IPv6 packet, read without trusting a length field.
/// A first fragment counts (amplified answers are often fragmented, and what ties them to a request is at the start);
/// a later fragment has no UDP header and does not. When the packet was cut short (a capture's snap length), the
/// payload is what is there: the protocol readers say whether that is enough.
/// </summary>
internal readonly ref struct UdpDatagram
{
    private const int MaxExtensionHeaders = 8; // a hostile chain of IPv6 extension headers ends here

    public ReadOnlySpan<byte> SourceAddress { get; private init; }
    public ReadOnlySpan<byte> DestinationAddress { get; private init; }
    public ushort SourcePort { get; private init; }
    public ushort DestinationPort { get; private init; }
    public ReadOnlySpan<byte> Payload { get; private init; }

    /// <summary>The same datagram with source and destination swapped.</summary>
    public UdpDatagram Reversed() => new()
    {
        SourceAddress = DestinationAddress,
        DestinationAddress = SourceAddress,
        SourcePort = DestinationPort,
        DestinationPort = SourcePort,
        Payload = Payload,
    };

    public static bool TryRead(ReadOnlySpan<byte> packet, out UdpDatagram datagram)
    {
        datagram = default;
        if (packet.Length < 1)
        {
            return false;
        }
        return (packet[0] >> 4) switch
        {
            4 => TryRead4(packet, out datagram),
            6 => TryRead6(packet, out datagram),
            _ => false,
        };
    }

    private static bool TryRead4(ReadOnlySpan<byte> packet, out UdpDatagram datagram)
    {
        datagram = default;
        if (packet.Length < 20)
        {
            return false;
        }
        int header = (packet[0] & 0x0F) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        if (header < 20 || total < header || packet[9] != 17 || (fragment & 0x1FFF) != 0)
        {
            return false;
        }
        bool moreFragments = (fragment & 0x2000) != 0;
        var ip = packet[..Math.Min(total, packet.Length)]; // bytes past the IP length are link padding
        return header <= ip.Length && TryReadUdp(ip[header..], total - header, moreFragments, packet[12..16], packet[16..20], out datagram);
    }

    private static bool TryRead6(ReadOnlySpan<byte> packet, out UdpDatagram datagram)
    {
        datagram = default;
        if (packet.Length < 40)
        {
            return false;
        }
        int total = 40 + BinaryPrimitives.ReadUInt16BigEndian(packet[4..]); // a jumbogram (payload length 0) is not a reflected answer
        var ip = packet[..Math.Min(total, packet.Length)];
        int next = packet[6], offset = 40;
        bool moreFragments = false;
        for (int n = 0; n <= MaxExtensionHeaders; n++)
        {
            if (next == 17)
            {
                return TryReadUdp(ip[offset..], total - offset, moreFragments, packet[8..24], packet[24..40], out datagram);
            }
            if (next is not (0 or 43 or 44 or 60) || ip.Length < offset + 8)
            {
                return false; // not UDP (or behind a header this reader does not walk), or cut short inside the chain
            }
            if (next == 44)
            {
                ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(ip[(offset + 2)..]);
                if ((fragment & 0xFFF8) != 0)
                {
                    return false; // a later fragment
                }
                moreFragments = (fragment & 1) != 0;
                next = ip[offset];
                offset += 8;
            }
            else
            {
                next = ip[offset];
                offset += (ip[offset + 1] + 1) * 8; // hop-by-hop, routing, destination options: length in 8 bytes, not counting the first 8
            }
            if (offset > ip.Length)
            {
                return false; // the chain claims more than the packet holds
            }
        }
        return false;
    }

    /// <param name="udp">The UDP header and the payload bytes that are there.</param>
    /// <param name="claimed">How long the IP header says the UDP part is.</param>
    private static bool TryReadUdp(ReadOnlySpan<byte> udp, int claimed, bool moreFragments, ReadOnlySpan<byte> source,
        ReadOnlySpan<byte> destination, out UdpDatagram datagram)
    {
        datagram = default;
        if (udp.Length < 8)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        // The UDP length must fit the IP packet, unless fragments follow that carry the rest.
        if (length < 8 || (!moreFragments && length > claimed))
        {
            return false;
        }
        datagram = new UdpDatagram
        {
            SourceAddress = source,
            DestinationAddress = destination,
            SourcePort = BinaryPrimitives.ReadUInt16BigEndian(udp),
            DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(udp[2..]),
            Payload = udp[8..Math.Min(length, udp.Length)],
        };
        return true;
    }
}
