using System.Buffers.Binary;

namespace InterTrack.Packets.Capture;

/// <summary>
/// Finds the IP packet inside a link-layer frame, through the encapsulations ISPs capture:
/// VLAN tags (802.1Q, 802.1ad QinQ), PPPoE sessions, MPLS label stacks, and tunnels — GRE (IP or
/// Ethernet inside), VXLAN (UDP port 4789), IP in IP. The packet found is the innermost one: in a
/// tunnel, the traffic that crosses the network is what is inside it, not the tunnel's own headers.
/// </summary>
public static class IpLocator
{
    private const int MaxLayers = 8; // a hostile frame of nested tunnels ends here
    private const ushort VxlanPort = 4789;

    /// <summary>Where the (innermost) IP header starts in the frame, or -1.</summary>
    public static int FindIp(ReadOnlySpan<byte> frame, LinkType link)
    {
        int ip = OuterIp(frame, link);
        return ip < 0 ? -1 : Innermost(frame, ip);
    }

    private static int OuterIp(ReadOnlySpan<byte> frame, LinkType link)
    {
        switch (link)
        {
            case LinkType.Ethernet:
                return frame.Length < 14 ? -1 : AfterEtherType(frame, 12, 0);
            case LinkType.LinuxSll:
                return frame.Length < 16 ? -1 : AfterEtherType(frame, 14, 0);
            case LinkType.LinuxSll2:
                if (frame.Length < 20) return -1;
                return Payload(frame, BinaryPrimitives.ReadUInt16BigEndian(frame), 20, 0);
            case LinkType.Null:
            case LinkType.Loop:
                if (frame.Length < 4) return -1;
                // NULL stores the family in the capturing host's byte order: take whichever reading is small.
                uint family = BinaryPrimitives.ReadUInt32BigEndian(frame);
                if (link == LinkType.Null && family > 0xFF) family = BinaryPrimitives.ReadUInt32LittleEndian(frame);
                return family is 2 or 10 or 24 or 28 or 30 ? 4 : -1; // AF_INET; AF_INET6 on Linux and the BSDs
            case LinkType.Raw:
            case LinkType.RawBsd:
            case LinkType.RawOpenBsd:
            case LinkType.Ipv4:
            case LinkType.Ipv6:
                return 0;
            default:
                return -1;
        }
    }

    /// <summary>The payload of an EtherType at <paramref name="typeOffset"/>, skipping VLAN tags.</summary>
    private static int AfterEtherType(ReadOnlySpan<byte> frame, int typeOffset, int layer)
    {
        while (frame.Length >= typeOffset + 2)
        {
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[typeOffset..]);
            if (type is 0x8100 or 0x88A8 or 0x9100) // 802.1Q, 802.1ad and the old QinQ tag: 4 bytes each
            {
                typeOffset += 4;
                continue;
            }
            return Payload(frame, type, typeOffset + 2, layer);
        }
        return -1;
    }

    /// <summary>Where the IP packet carried as EtherType <paramref name="type"/> at <paramref name="offset"/> starts.</summary>
    private static int Payload(ReadOnlySpan<byte> frame, ushort type, int offset, int layer)
    {
        if (layer > MaxLayers || offset >= frame.Length)
        {
            return -1;
        }
        switch (type)
        {
            case 0x0800:
            case 0x86DD:
                return offset;
            case 0x8864: // PPPoE session: version/type, code, session id, length, then the PPP protocol
                if (frame.Length < offset + 8) return -1;
                ushort ppp = BinaryPrimitives.ReadUInt16BigEndian(frame[(offset + 6)..]);
                return ppp is 0x0021 or 0x0057 ? offset + 8 : -1; // PPP IPv4, IPv6
            case 0x8847: // MPLS unicast and multicast: labels up to the bottom of the stack, then IP (told by its version)
            case 0x8848:
                for (int label = 0; label < 16 && frame.Length >= offset + 4; label++)
                {
                    bool bottom = (frame[offset + 2] & 0x01) != 0;
                    offset += 4;
                    if (bottom)
                    {
                        return offset < frame.Length && (frame[offset] >> 4) is 4 or 6 ? offset : -1;
                    }
                }
                return -1;
            case 0x6558: // transparent Ethernet bridging (GRE): a whole Ethernet frame
                return frame.Length < offset + 14 ? -1 : AfterEtherType(frame, offset + 12, layer + 1);
            default:
                return -1;
        }
    }

    /// <summary>Follows tunnels from the IP header at <paramref name="ip"/> to the packet inside them.</summary>
    private static int Innermost(ReadOnlySpan<byte> frame, int ip)
    {
        for (int layer = 0; layer < MaxLayers; layer++)
        {
            int inner = Tunnelled(frame, ip, layer);
            if (inner < 0)
            {
                return ip;
            }
            ip = inner;
        }
        return ip;
    }

    /// <summary>The IP packet a tunnel at <paramref name="ip"/> carries, or -1 when it is not a tunnel (or is cut short).</summary>
    private static int Tunnelled(ReadOnlySpan<byte> frame, int ip, int layer)
    {
        var packet = frame[ip..];
        int protocol, payload;
        if (packet.Length >= 20 && packet[0] >> 4 == 4)
        {
            payload = (packet[0] & 0x0F) * 4;
            if (payload < 20 || (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1FFF) != 0)
            {
                return -1; // a later fragment holds no inner header
            }
            protocol = packet[9];
        }
        else if (packet.Length >= 40 && packet[0] >> 4 == 6)
        {
            payload = 40;
            protocol = packet[6];
        }
        else
        {
            return -1;
        }
        int start = ip + payload;
        switch (protocol)
        {
            case 4:  // IPv4 in IP
            case 41: // IPv6 in IP
                return start < frame.Length && (frame[start] >> 4) is 4 or 6 ? start : -1;
            case 47: // GRE (RFC 2784/2890): checksum, key and sequence fields are 4 bytes each when flagged
                if (frame.Length < start + 4 || (frame[start + 1] & 0x07) != 0) return -1; // version 0 only
                int header = 4 + ((frame[start] & 0x80) != 0 ? 4 : 0) + ((frame[start] & 0x20) != 0 ? 4 : 0) + ((frame[start] & 0x10) != 0 ? 4 : 0);
                return Payload(frame, BinaryPrimitives.ReadUInt16BigEndian(frame[(start + 2)..]), start + header, layer + 1);
            case 17 when frame.Length >= start + 16 && BinaryPrimitives.ReadUInt16BigEndian(frame[(start + 2)..]) == VxlanPort
                && (frame[start + 8] & 0x08) != 0: // VXLAN: UDP, then 8 bytes with the I flag, then Ethernet
                return frame.Length < start + 16 + 14 ? -1 : AfterEtherType(frame, start + 16 + 12, layer + 1);
            default:
                return -1;
        }
    }
}
