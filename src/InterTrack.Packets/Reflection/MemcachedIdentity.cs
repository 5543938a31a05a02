using System.Buffers.Binary;

namespace InterTrack.Packets.Reflection;

/// <summary>
/// What ties a memcached UDP answer to its request: the 8-byte frame header (request id, sequence number, number of
/// datagrams, reserved 0) whose request id the server echoes in every datagram of its answer (memcached's
/// protocol.txt, "UDP protocol"). A request is one datagram, sequence 0 of 1, and starts with a lower-case text
/// command ("get", "stats", ...) or the binary protocol's request magic 0x80; an answer's first datagram starts with an
/// upper-case reply ("VALUE", "END", "STAT", ...) or the response magic 0x81; later datagrams continue its data.
/// </summary>
internal static class MemcachedIdentity
{
    private const int FrameHeaderLength = 8;

    public static byte[]? Read(ReadOnlySpan<byte> payload, bool response)
    {
        if (payload.Length <= FrameHeaderLength || BinaryPrimitives.ReadUInt16BigEndian(payload[6..]) != 0)
        {
            return null;
        }
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        ushort datagrams = BinaryPrimitives.ReadUInt16BigEndian(payload[4..]);
        byte first = payload[FrameHeaderLength];
        bool fits = response
            ? sequence < datagrams && (sequence > 0 || first == 0x81 || first is >= (byte)'A' and <= (byte)'Z')
            : sequence == 0 && datagrams == 1 && (first == 0x80 || first is >= (byte)'a' and <= (byte)'z');
        return fits ? payload[..2].ToArray() : null;
    }
}
