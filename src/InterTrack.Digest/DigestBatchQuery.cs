namespace InterTrack.Digest;

/// <summary>How many packets of a batch were seen, not seen, or fell where no kept page covers their time.</summary>
public sealed record BatchAnswer(long Packets, long Seen, long NotSeen, long Expired);

/// <summary>
/// Asks digest pages about many packets at once, as <c>query --all</c> does for a whole capture.
/// Packets are taken in batches: every bit position of a batch is hashed and prefetched before any
/// is tested, so the random memory accesses of a batch overlap instead of waiting on each other —
/// the same trick that makes digesting fast.
/// </summary>
public sealed class DigestBatchQuery
{
    public const int BatchSize = 128;

    private readonly DigestPage[] _pages;
    private readonly long _slackNs;
    private readonly List<(int Packet, DigestPage Page, ulong Hash)> _probes = new(BatchSize * 4);
    private readonly bool[] _seen = new bool[BatchSize];
    private readonly bool[] _covered = new bool[BatchSize];
    private long _packets, _seenCount, _notSeen, _expired;
    private int _batched;

    public DigestBatchQuery(IEnumerable<DigestPage> pages, TimeSpan tolerance)
    {
        _pages = [.. pages.OrderBy(p => p.StartNs)];
        _slackNs = tolerance.Ticks * 100;
    }

    /// <summary>Adds one IP packet (from its first header byte) and when it was seen, or null for any time; false when it is not a whole IP header.</summary>
    public bool Add(ReadOnlySpan<byte> ip, long? atNs)
    {
        Span<byte> invariant = stackalloc byte[PacketInvariant.MaxLength], md5 = stackalloc byte[PackterMd5.Length];
        int invariantLength = PacketInvariant.FromIp(ip, invariant);
        if (invariantLength == 0)
        {
            return false;
        }
        int md5Length = -1; // computed for the first packter-md5 page, if any
        int packet = _batched++;
        _seen[packet] = false;
        _covered[packet] = false;
        ulong lastSeed = 0, hash = 0;
        DigestScheme lastScheme = default;
        bool hashed = false;
        foreach (var page in _pages)
        {
            if (atNs is { } at && (at < page.StartNs - _slackNs || at > page.EndNs + _slackNs))
            {
                continue;
            }
            if (!hashed || page.Seed != lastSeed || page.Scheme != lastScheme)
            {
                if (page.Scheme == DigestScheme.PackterMd5 && md5Length < 0)
                {
                    md5Length = PackterMd5.FromIp(ip, md5);
                }
                hash = DigestPage.Hash(page.Scheme == DigestScheme.PackterMd5 ? md5[..md5Length] : invariant[..invariantLength], page.Seed);
                (lastSeed, lastScheme, hashed) = (page.Seed, page.Scheme, true);
            }
            page.Prefetch(hash);
            _probes.Add((packet, page, hash));
            _covered[packet] = true;
        }
        if (_batched == BatchSize)
        {
            Flush();
        }
        return true;
    }

    /// <summary>The counts so far (tests what is batched first).</summary>
    public BatchAnswer Answer()
    {
        Flush();
        return new BatchAnswer(_packets, _seenCount, _notSeen, _expired);
    }

    private void Flush()
    {
        foreach (var (packet, page, hash) in _probes)
        {
            _seen[packet] |= page.Contains(hash);
        }
        for (int i = 0; i < _batched; i++)
        {
            _packets++;
            if (_seen[i]) _seenCount++;
            else if (_covered[i]) _notSeen++;
            else _expired++;
        }
        _probes.Clear();
        _batched = 0;
    }
}
