namespace InterTrack.Digest;

/// <summary>
/// How digest tables are sized. A page holds <see cref="PageCapacity"/> packets in
/// <see cref="PageCapacity"/> × <see cref="BitsPerPacket"/> bits; it is sealed when full or when
/// its time window ends, and sealed pages are kept until <see cref="MemoryBudgetBytes"/> is used up.
/// </summary>
public sealed record DigestOptions
{
    public const int MaxHashes = 16;

    /// <summary>Bloom filter bits per packet (m/n). Memory per packet, and with k the false-positive rate.</summary>
    public double BitsPerPacket { get; init; } = 16;

    /// <summary>Hash functions per packet (k). Each costs one random memory access per insert.</summary>
    public int Hashes { get; init; } = 4;

    /// <summary>What packets are keyed by: the invariant bytes (default), or the historic client's MD5.</summary>
    public DigestScheme Scheme { get; init; } = DigestScheme.Xxh3;

    /// <summary>Time a page covers at most.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Packets per page (n).</summary>
    public long PageCapacity { get; init; } = 8_388_608;

    /// <summary>Memory kept for pages of one table; the oldest pages are dropped beyond it.</summary>
    public long MemoryBudgetBytes { get; init; } = 1L << 30;

    /// <summary>Bits of one page, rounded up to whole 64-bit words.</summary>
    public long PageBits => (long)Math.Ceiling(PageCapacity * BitsPerPacket / 64) * 64;

    public long PageBytes => PageBits / 8;

    /// <summary>The theoretical false-positive rate of a full page: (1 − e^(−kn/m))^k.</summary>
    public double FullPageFalsePositiveRate => Math.Pow(1 - Math.Exp(-Hashes * PageCapacity / (double)PageBits), Hashes);

    /// <summary>
    /// Sizing as SPIE states it: storage as a fraction of link capacity. A page covers one window
    /// of a link running at <paramref name="bitsPerSecond"/> with packets of <paramref name="averagePacketBytes"/>.
    /// </summary>
    public static DigestOptions ForLink(double bitsPerSecond, int averagePacketBytes, double storageFraction, TimeSpan window, int hashes)
    {
        double packetsPerSecond = bitsPerSecond / 8 / averagePacketBytes;
        return new DigestOptions
        {
            BitsPerPacket = storageFraction * bitsPerSecond / packetsPerSecond,
            Hashes = hashes,
            Window = window,
            PageCapacity = (long)Math.Ceiling(packetsPerSecond * window.TotalSeconds),
        };
    }

    public void Validate()
    {
        if (BitsPerPacket is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(BitsPerPacket), BitsPerPacket, "must be from 1 to 1024");
        if (Hashes is < 1 or > MaxHashes) throw new ArgumentOutOfRangeException(nameof(Hashes), Hashes, $"must be from 1 to {MaxHashes}");
        if (Window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Window), Window, "must be positive");
        if (PageCapacity < 1) throw new ArgumentOutOfRangeException(nameof(PageCapacity), PageCapacity, "must be positive");
        if (PageBits > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(PageCapacity), PageCapacity, "a page is at most 512 MiB");
        if (MemoryBudgetBytes < PageBytes) throw new ArgumentOutOfRangeException(nameof(MemoryBudgetBytes), MemoryBudgetBytes, "must hold at least one page");
    }
}
