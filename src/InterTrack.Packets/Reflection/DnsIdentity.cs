using System.Buffers.Binary;

namespace InterTrack.Packets.Reflection;

/// <summary>
/// What ties a DNS answer to its query (RFC 1035 4.1): the 16-bit ID and the one question, which a server copies
/// into its answer. The identity is the ID, the question's name in wire form with ASCII letters lower-cased (names
/// compare without case, RFC 4343, and a server need not keep the asker's case), its type and its class.
/// </summary>
internal static class DnsIdentity
{
    private const int HeaderLength = 12;
    private const int MaxNameLength = 255;

    public static byte[]? Read(ReadOnlySpan<byte> payload, bool response)
    {
        if (payload.Length < HeaderLength)
        {
            return null;
        }
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        bool isResponse = (flags & 0x8000) != 0;
        // Servers answer one question; a query with none or several is not one a reflector amplifies.
        if (isResponse != response || BinaryPrimitives.ReadUInt16BigEndian(payload[4..]) != 1)
        {
            return null;
        }
        int nameLength = NameLength(payload[HeaderLength..]);
        if (nameLength < 0 || payload.Length < HeaderLength + nameLength + 4)
        {
            return null;
        }
        var identity = new byte[2 + nameLength + 4];
        payload[..2].CopyTo(identity);
        payload.Slice(HeaderLength, nameLength + 4).CopyTo(identity.AsSpan(2));
        foreach (ref byte b in identity.AsSpan(2, nameLength))
        {
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                b += 'a' - 'A'; // length bytes are at most 63, below 'A', so only letters change
            }
        }
        return identity;
    }

    /// <summary>
    /// The length of the uncompressed name at the start of <paramref name="name"/>, its root label included, or -1. The
    /// question is the message's first name, so a compression pointer could only point into the header: refused.
    /// </summary>
    private static int NameLength(ReadOnlySpan<byte> name)
    {
        int at = 0;
        while (at < name.Length && at < MaxNameLength)
        {
            int label = name[at];
            if (label == 0)
            {
                return at + 1;
            }
            if (label > 63)
            {
                return -1; // a pointer (0xC0) or a reserved label type
            }
            at += 1 + label;
        }
        return -1;
    }
}
