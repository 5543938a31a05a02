using System.Buffers.Binary;

namespace InterTrack.Capture;

/// <summary>Finds the IP packet inside a link-layer frame.</summary>
public static class IpLocator
{
    /// <summary>Where the IP header starts in the frame, or -1.</summary>
    public static int FindIp(ReadOnlySpan<byte> frame, LinkType link)
    {
        switch (link)
        {
            case LinkType.Ethernet:
                return frame.Length < 14 ? -1 : AfterEtherType(frame, 12);
            case LinkType.LinuxSll:
                return frame.Length < 16 ? -1 : AfterEtherType(frame, 14);
            case LinkType.LinuxSll2:
                if (frame.Length < 20) return -1;
                ushort protocol = BinaryPrimitives.ReadUInt16BigEndian(frame);
                return IsIp(protocol) ? 20 : -1;
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

    private static int AfterEtherType(ReadOnlySpan<byte> frame, int typeOffset)
    {
        // 802.1Q, 802.1ad (QinQ) and the old 0x9100 tag: skip each 4-byte tag.
        while (frame.Length >= typeOffset + 2)
        {
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[typeOffset..]);
            if (type is 0x8100 or 0x88A8 or 0x9100)
            {
                typeOffset += 4;
                continue;
            }
            return IsIp(type) ? typeOffset + 2 : -1;
        }
        return -1;
    }

    private static bool IsIp(ushort etherType) => etherType is 0x0800 or 0x86DD;
}
