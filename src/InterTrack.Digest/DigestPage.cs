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
/// native memory (on huge pages where the kernel allows): a large page should not burden the
/// garbage collector or the TLB.
/// </summary>
public sealed unsafe class DigestPage : IDisposable
{
    private ulong* _words;

    public DigestPage(string link, ulong seed, int hashes, long bitCount, long capacity, long startNs, DigestScheme scheme = DigestScheme.Xxh3)
    {
        if (bitCount <= 0 || bitCount % 64 != 0 || bitCount > uint.MaxValue + 1L)
        {
            throw new ArgumentOutOfRangeException(nameof(bitCount), bitCount, "must be a positive multiple of 64, at most 2^32");
        }
        Link = link;
        Seed = seed;
        Scheme = scheme;
        Hashes = hashes;
        BitCount = bitCount;
        Capacity = capacity;
        StartNs = startNs;
        EndNs = startNs;
        _words = Allocate((nuint)(bitCount / 8));
        GC.AddMemoryPressure(bitCount / 8);
    }

    /// <summary>
    /// A new, empty page in the memory of <paramref name="recycled"/> (same size), which is
    /// disposed. Steady-state rotation then reuses memory that already sits on huge pages instead
    /// of asking the kernel for fresh memory, which it may not back with huge pages.
    /// </summary>
    internal DigestPage(DigestPage recycled, long startNs)
    {
        Link = recycled.Link;
        Seed = recycled.Seed;
        Scheme = recycled.Scheme;
        Hashes = recycled.Hashes;
        BitCount = recycled.BitCount;
        Capacity = recycled.Capacity;
        StartNs = startNs;
        EndNs = startNs;
        _words = recycled._words;
        recycled._words = null;
        NativeMemory.Clear(_words, (nuint)(BitCount / 8));
    }

    public string Link { get; }
    public ulong Seed { get; }

    /// <summary>What the page's packets are keyed by.</summary>
    public DigestScheme Scheme { get; }

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

    public static ulong Hash(ReadOnlySpan<byte> key, ulong seed) => XxHash3.HashToUInt64(key, (long)seed);

    /// <summary>
    /// Asks the memory system for the cache lines of a packet's bits, so that by the time its
    /// batch is inserted they are there. Call at hashing time, well before <see cref="InsertBatch"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(ulong hash)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        uint a = (uint)hash, b = (uint)(hash >> 32) | 1;
        for (int i = 0; i < Hashes; i++)
        {
            Sse.Prefetch0(_words + (Position(a + (uint)i * b) >> 6));
        }
    }

    public bool Contains(ulong hash)
    {
        // All k words are loaded before any is tested: the loads overlap instead of waiting on each other.
        uint a = (uint)hash, b = (uint)(hash >> 32) | 1;
        bool all = true;
        for (int i = 0; i < Hashes; i++)
        {
            ulong position = Position(a + (uint)i * b);
            all &= (_words[position >> 6] & (1UL << (int)position)) != 0;
        }
        return all;
    }

    /// <summary>Sets the bits of many packets (prefetched by <see cref="Prefetch"/>). Does not count packets: <see cref="DigestTable"/> does.</summary>
    public void InsertBatch(ReadOnlySpan<ulong> hashes)
    {
        _fill = null;
        int k = Hashes;
        foreach (ulong hash in hashes)
        {
            uint a = (uint)hash, b = (uint)(hash >> 32) | 1;
            for (int i = 0; i < k; i++)
            {
                ulong position = Position(a + (uint)i * b);
                _words[position >> 6] |= 1UL << (int)position;
            }
        }
    }

    private double? _sealedFill, _fill;

    /// <summary>
    /// The page takes no more packets: its fill is counted now, once, instead of on every query
    /// (a popcount of a 16 MiB page takes about a millisecond).
    /// </summary>
    public void Seal() => _sealedFill = CountFill();

    /// <summary>Fraction of bits set; a page still taking packets counts it again only after an insert.</summary>
    public double Fill() => _sealedFill ?? (_fill ??= CountFill());

    private double CountFill()
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

    private const nuint HugePage = 2 << 20;

    /// <summary>
    /// Zeroed memory for the bitmap. Large bitmaps are aligned to 2 MiB and marked for transparent
    /// huge pages: with 4 KiB pages nearly every random bit access would also miss the TLB.
    /// </summary>
    private static ulong* Allocate(nuint bytes)
    {
        if (bytes < HugePage || !OperatingSystem.IsLinux())
        {
            var small = (ulong*)NativeMemory.AlignedAlloc(bytes, 64);
            NativeMemory.Clear(small, bytes);
            return small;
        }
        var words = (ulong*)NativeMemory.AlignedAlloc(bytes, HugePage);
        _ = Madvise(words, bytes, MadviseHugePage); // advice only: without huge pages it still works
        NativeMemory.Clear(words, bytes);
        return words;
    }

    private const int MadviseHugePage = 14; // MADV_HUGEPAGE

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int Madvise(void* address, nuint length, int advice);

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
