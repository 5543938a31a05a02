namespace InterTrack.Digest;

/// <summary>
/// The part of an IP packet that does not change hop by hop: the input of a packet digest
/// (SPIE, Snoeren et al. 2001). See docs/digest.md for the choices:
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

    /// <summary>Digest input of an IP packet as a new array; empty when it is not a whole IP header.</summary>
    public static byte[] Of(ReadOnlySpan<byte> packet)
    {
        Span<byte> invariant = stackalloc byte[MaxLength];
        return invariant[..FromIp(packet, invariant)].ToArray();
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

    private static int CopyPayload(ReadOnlySpan<byte> packet, int headerLength, Span<byte> output)
    {
        int count = Math.Min(PayloadBytes, packet.Length - headerLength);
        packet.Slice(headerLength, count).CopyTo(output);
        return count;
    }
}
