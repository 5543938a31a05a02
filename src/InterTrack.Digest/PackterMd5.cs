namespace InterTrack.Digest;

/// <summary>
/// The packet hash of the historic InterTrack Traceback Client (packter), which sends it instead
/// of the packet (<c>encodetype="md5"</c>, 32 lowercase hex digits): the MD5 of
/// <list type="bullet">
/// <item>IPv4: the header as long as IHL says, then the first 8 payload bytes, with TOS, total
/// length, flags and fragment offset, TTL, header checksum and every option byte zeroed;</item>
/// <item>IPv6: the first 48 bytes, with the hop limit and the upper 4 bits of the traffic class
/// (the low nibble of the first byte) zeroed.</item>
/// </list>
/// A packet shorter than that hashes what it has. Unlike <see cref="PacketInvariant"/>, it keeps
/// the lower half of the IPv6 traffic class and the IPv4 options' length: that is the client's
/// choice, and matching it is the point.
/// </summary>
public static class PackterMd5
{
    public const int Length = 16;

    // IHL up to 15 words plus 8 payload bytes.
    private const int MaxInput = 60 + 8;

    /// <summary>The MD5 of an IP packet into <paramref name="output"/> (16 bytes); 0 when it is not a whole IP header.</summary>
    public static int FromIp(ReadOnlySpan<byte> packet, Span<byte> output)
    {
        Span<byte> input = stackalloc byte[MaxInput];
        int length = Invariant(packet, input);
        return length == 0 ? 0 : ShortMd5.Hash(input[..length], output);
    }

    /// <summary>The 16-byte MD5 of an IP packet; empty when it is not a whole IP header.</summary>
    public static byte[] Of(ReadOnlySpan<byte> packet)
    {
        Span<byte> md5 = stackalloc byte[Length];
        return md5[..FromIp(packet, md5)].ToArray();
    }

    /// <summary>As the historic client writes it: 32 lowercase hex digits.</summary>
    public static string Hex(ReadOnlySpan<byte> packet) => Convert.ToHexStringLower(Of(packet));

    private static int Invariant(ReadOnlySpan<byte> packet, Span<byte> output)
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
                int length = Math.Min(packet.Length, headerLength + 8);
                packet[..length].CopyTo(output);
                output[1] = 0;                        // TOS
                output[2..4].Clear();                 // total length
                output[6..8].Clear();                 // flags, fragment offset
                output[8] = 0;                        // TTL
                output[10..12].Clear();               // header checksum
                output[20..headerLength].Clear();     // options
                return length;
            }
            case 6:
            {
                if (packet.Length < 40)
                {
                    return 0;
                }
                int length = Math.Min(packet.Length, 48);
                packet[..length].CopyTo(output);
                output[0] &= 0xF0; // upper 4 bits of the traffic class
                output[7] = 0;     // hop limit
                return length;
            }
            default:
                return 0;
        }
    }
}
