using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace InterTrack.Digest;

/// <summary>
/// One time-stamped Bloom filter page of packet digests. The k bit positions of a packet come
/// from one 64-bit XxHash3 of its invariant bytes (seeded per table, so an outsider cannot aim
/// collisions) by double hashing, mapped onto the m bits without a modulo. The bitmap lives in
/// native memory: a large page should not burden the garbage collector.
/// </summary>
public sealed unsafe class DigestPage : IDisposable
{
    private const int PrefetchGroup = 8;

    private ulong* _words;

    public DigestPage(string link, ulong seed, int hashes, long bitCount, long capacity, long startNs)
    {
        if (bitCount <= 0 || bitCount % 64 != 0 || bitCount > uint.MaxValue + 1L)
        {
            throw new ArgumentOutOfRangeException(nameof(bitCount), bitCount, "must be a positive multiple of 64, at most 2^32");
        }
        Link = link;
        Seed = seed;
        Hashes = hashes;
        BitCount = bitCount;
        Capacity = capacity;
        StartNs = startNs;
        EndNs = startNs;
        _words = (ulong*)NativeMemory.AlignedAlloc((nuint)(bitCount / 8), 64);
        NativeMemory.Clear(_words, (nuint)(bitCount / 8));
        GC.AddMemoryPressure(bitCount / 8);
    }

    public string Link { get; }
    public ulong Seed { get; }
    public int Hashes { get; }
    public long BitCount { get; }
    public long Capacity { get; }

    /// <summary>Earliest and latest packet time in the page, ns since the Unix epoch.</summary>
    public long StartNs { get; internal set; }
    public long EndNs { get; internal set; }

    /// <summary>Packets inserted.</summary>
    public long Count { get; internal set; }

    public long Bytes => BitCount / 8;

    public bool IsFull => Count >= Capacity;

    internal Span<ulong> Words => new(_words, (int)(BitCount / 64));

    public static ulong Hash(ReadOnlySpan<byte> invariant, ulong seed) => XxHash3.HashToUInt64(invariant, (long)seed);

    public bool Contains(ulong hash)
    {
        uint a = (uint)hash, b = (uint)(hash >> 32) | 1;
        for (int i = 0; i < Hashes; i++)
        {
            ulong position = Position(a + (uint)i * b);
            if ((_words[position >> 6] & (1UL << (int)position)) == 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Sets the bits of many packets. Positions of a group of packets are computed and
    /// prefetched first, then set, so the memory latency of a large page overlaps instead of
    /// adding up. Does not count packets: <see cref="DigestTable"/> does.
    /// </summary>
    public void InsertBatch(ReadOnlySpan<ulong> hashes)
    {
        Span<ulong> positions = stackalloc ulong[PrefetchGroup * DigestOptions.MaxHashes];
        int k = Hashes;
        for (int start = 0; start < hashes.Length; start += PrefetchGroup)
        {
            int n = Math.Min(PrefetchGroup, hashes.Length - start);
            int t = 0;
            for (int j = 0; j < n; j++)
            {
                ulong hash = hashes[start + j];
                uint a = (uint)hash, b = (uint)(hash >> 32) | 1;
                for (int i = 0; i < k; i++)
                {
                    ulong position = Position(a + (uint)i * b);
                    positions[t++] = position;
                    if (Sse.IsSupported)
                    {
                        Sse.Prefetch0(_words + (position >> 6));
                    }
                }
            }
            for (int i = 0; i < t; i++)
            {
                ulong position = positions[i];
                _words[position >> 6] |= 1UL << (int)position;
            }
        }
    }

    /// <summary>Fraction of bits set.</summary>
    public double Fill()
    {
        long set = 0;
        foreach (ulong word in Words)
        {
            set += BitOperations.PopCount(word);
        }
        return set / (double)BitCount;
    }

    /// <summary>Estimated false-positive rate from the page's fill: (bits set / m)^k.</summary>
    public double FalsePositiveRate() => Math.Pow(Fill(), Hashes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Position(uint mixed) => ((ulong)mixed * (ulong)BitCount) >> 32;

    public void Dispose()
    {
        if (_words is not null)
        {
            NativeMemory.AlignedFree(_words);
            GC.RemoveMemoryPressure(BitCount / 8);
            _words = null;
        }
        GC.SuppressFinalize(this);
    }

    ~DigestPage() => Dispose();
}
