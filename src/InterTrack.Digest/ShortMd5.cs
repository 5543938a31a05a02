using System.Buffers.Binary;
using System.Numerics;

namespace InterTrack.Digest;

/// <summary>
/// MD5 (RFC 1321) of a message of at most 119 bytes (two blocks), in managed code: the packter
/// invariant is at most 68 bytes, and the platform's MD5 (OpenSSL) spends about 500 ns per call
/// on setting up, 17× the cost of a whole xxh3 insert (docs/benchmarks.md). MD5 here is the
/// historic client's packet identifier, not a security primitive: the Bloom positions still come
/// from the table's secret seed (<see cref="DigestPage.Hash"/>).
/// </summary>
internal static class ShortMd5
{
    public const int MaxInput = 119;

    private static readonly int[] Shifts =
    [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];

    // K[i] = floor(|sin(i + 1)| × 2^32), as RFC 1321 defines them.
    private static readonly uint[] K = [.. Enumerable.Range(1, 64).Select(i => (uint)(long)Math.Floor(Math.Abs(Math.Sin(i)) * 4294967296.0))];

    /// <summary>Writes the 16-byte MD5 of <paramref name="message"/> (at most <see cref="MaxInput"/> bytes); returns 16.</summary>
    public static int Hash(ReadOnlySpan<byte> message, Span<byte> output)
    {
        if (message.Length > MaxInput)
        {
            throw new ArgumentOutOfRangeException(nameof(message), message.Length, $"at most {MaxInput} bytes");
        }
        Span<byte> padded = stackalloc byte[128];
        padded.Clear();
        message.CopyTo(padded);
        padded[message.Length] = 0x80;
        int blocks = message.Length + 9 <= 64 ? 1 : 2;
        BinaryPrimitives.WriteUInt64LittleEndian(padded[(blocks * 64 - 8)..], (ulong)message.Length * 8);
        uint a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
        Span<uint> m = stackalloc uint[16];
        for (int block = 0; block < blocks; block++)
        {
            for (int j = 0; j < 16; j++)
            {
                m[j] = BinaryPrimitives.ReadUInt32LittleEndian(padded[(block * 64 + j * 4)..]);
            }
            uint a = a0, b = b0, c = c0, d = d0;
            // The four rounds, each 16 steps of its own function and message order.
            for (int i = 0; i < 16; i++)
            {
                Step(ref a, ref b, ref c, ref d, ((b & c) | (~b & d)) + m[i], i);
            }
            for (int i = 16; i < 32; i++)
            {
                Step(ref a, ref b, ref c, ref d, ((d & b) | (~d & c)) + m[(5 * i + 1) & 15], i);
            }
            for (int i = 32; i < 48; i++)
            {
                Step(ref a, ref b, ref c, ref d, (b ^ c ^ d) + m[(3 * i + 5) & 15], i);
            }
            for (int i = 48; i < 64; i++)
            {
                Step(ref a, ref b, ref c, ref d, (c ^ (b | ~d)) + m[(7 * i) & 15], i);
            }
            a0 += a;
            b0 += b;
            c0 += c;
            d0 += d;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(output, a0);
        BinaryPrimitives.WriteUInt32LittleEndian(output[4..], b0);
        BinaryPrimitives.WriteUInt32LittleEndian(output[8..], c0);
        BinaryPrimitives.WriteUInt32LittleEndian(output[12..], d0);
        return 16;
    }

    private static void Step(ref uint a, ref uint b, ref uint c, ref uint d, uint fPlusM, int i)
    {
        uint f = fPlusM + a + K[i];
        a = d;
        d = c;
        c = b;
        b += BitOperations.RotateLeft(f, Shifts[i]);
    }
}
