using System.Buffers.Binary;
using InterTrack.Capture;

namespace InterTrack.Digest;

/// <summary>
/// The part of an IP packet that does not change hop by hop: the input of a packet digest
/// (SPIE, ARCHITECTURE.md §6). See docs/digest.md for the choices:
/// <list type="bullet">
/// <item>IPv4: the 20-byte header with TOS (DSCP+ECN), TTL and checksum zeroed, options left out
/// (routers may add or strip them), then the first 8 bytes after the header: 28 bytes.</item>
/// <item>IPv6: the 40-byte fixed header with traffic class and hop limit zeroed, then the first 8
/// bytes after it (extension headers count as payload): 48 bytes. The flow label is kept: RFC
/// 6437 forbids forwarding nodes to change a non-zero label, and it adds entropy.</item>
/// <item>Fragments are digested as they are (fragment offset and flags are part of the header).</item>
/// </list>
/// A packet shorter than its header is not digested. Nothing here allocates.
/// </summary>
public static class PacketInvariant
{
    public const int MaxLength = 48;
    private const int PayloadBytes = 8;

    /// <summary>Digest input of the IP packet in a link-layer frame; 0 when the frame holds no IP packet.</summary>
    public static int FromFrame(ReadOnlySpan<byte> frame, LinkType link, Span<byte> output)
    {
        int offset = FindIp(frame, link);
        return offset < 0 ? 0 : FromIp(frame[offset..], output);
    }

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

    /// <summary>Digest input of an IP packet (from its first header byte); 0 when it is not a whole IP header.</summary>
    public static int FromIp(ReadOnlySpan<byte> packet, Span<byte> output)
    {
        if (packet.IsEmpty)
        {
            return 0;
        }
        switch (packet[0] >> 4)
        {
            case 4:
            {
                int headerLength = (packet[0] & 0x0F) * 4;
                if (headerLength < 20 || packet.Length < headerLength)
                {
                    return 0;
                }
                packet[..20].CopyTo(output);
                output[1] = 0;  // TOS: DSCP and ECN are rewritten by routers
                output[8] = 0;  // TTL
                output[10] = 0; // header checksum
                output[11] = 0;
                return 20 + CopyPayload(packet, headerLength, output[20..]);
            }
            case 6:
            {
                if (packet.Length < 40)
                {
                    return 0;
                }
                packet[..40].CopyTo(output);
                output[0] &= 0xF0; // traffic class, high nibble
                output[1] &= 0x0F; // traffic class, low nibble
                output[7] = 0;     // hop limit
                return 40 + CopyPayload(packet, 40, output[40..]);
            }
            default:
                return 0;
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

    private static int CopyPayload(ReadOnlySpan<byte> packet, int headerLength, Span<byte> output)
    {
        int count = Math.Min(PayloadBytes, packet.Length - headerLength);
        packet.Slice(headerLength, count).CopyTo(output);
        return count;
    }
}
