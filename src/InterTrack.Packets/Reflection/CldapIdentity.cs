using System.Buffers.Binary;

namespace InterTrack.Packets.Reflection;

/// <summary>
/// What ties a CLDAP answer to its search (UDP 389): the messageID of the BER-encoded LDAPMessage (RFC 4511 4.1.1),
/// which the server echoes in each message of its answer (a searchResEntry and a searchResDone in one datagram). The
/// request is a searchRequest; RFC 1798's CLDAP put a user name (an OCTET STRING) between the ID and the operation,
/// which is skipped. The identity is the messageID's value, so an ID encoded with a needless leading zero still ties.
/// </summary>
internal static class CldapIdentity
{
    private const byte Sequence = 0x30, Integer = 0x02, OctetString = 0x04;
    private const byte SearchRequest = 0x63, SearchResultEntry = 0x64, SearchResultDone = 0x65, SearchResultReference = 0x73;

    public static byte[]? Read(ReadOnlySpan<byte> payload, bool response)
    {
        // The message may be cut short (a first fragment): only the ID and the operation's tag must be there.
        if (!TryHeader(payload, 0, Sequence, out int messageAt, out int messageLength)
            || !TryHeader(payload, messageAt, Integer, out int idAt, out int idLength)
            || idLength is < 1 or > 4 || idAt + idLength > payload.Length || (payload[idAt] & 0x80) != 0)
        {
            return null; // messageID is 0 .. 2^31 - 1
        }
        int at = idAt + idLength;
        if (at < payload.Length && payload[at] == OctetString)
        {
            if (!TryHeader(payload, at, OctetString, out int nameAt, out int nameLength))
            {
                return null;
            }
            at = nameAt + nameLength;
        }
        if (at >= payload.Length || at >= messageAt + messageLength)
        {
            return null; // cut short, or the operation lies outside the message its header claims
        }
        bool fits = response ? payload[at] is SearchResultEntry or SearchResultDone or SearchResultReference : payload[at] == SearchRequest;
        if (!fits)
        {
            return null;
        }
        uint id = 0;
        foreach (byte b in payload.Slice(idAt, idLength))
        {
            id = id << 8 | b;
        }
        var identity = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(identity, id);
        return identity;
    }

    /// <summary>Reads a tag and a definite length at <paramref name="at"/>; LDAP allows no other length form (RFC 4511 5.1).</summary>
    /// <param name="content">Where the content starts.</param>
    /// <param name="length">The content's length as claimed: the caller checks what it reads against the bytes there.</param>
    private static bool TryHeader(ReadOnlySpan<byte> bytes, int at, byte tag, out int content, out int length)
    {
        content = length = 0;
        if (at + 2 > bytes.Length || bytes[at] != tag)
        {
            return false;
        }
        int first = bytes[at + 1];
        if (first < 0x80)
        {
            (content, length) = (at + 2, first);
            return true;
        }
        int octets = first & 0x7F;
        if (octets is 0 or > 3 || at + 2 + octets > bytes.Length)
        {
            return false; // indefinite, or longer than any datagram
        }
        foreach (byte b in bytes.Slice(at + 2, octets))
        {
            length = length << 8 | b;
        }
        content = at + 2 + octets;
        return true;
    }
}
