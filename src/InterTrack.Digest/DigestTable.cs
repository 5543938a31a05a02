using System.Security.Cryptography;

namespace InterTrack.Digest;

/// <summary>
/// The digest history of one link: a current page that takes new packets and a ring of sealed
/// pages, bounded by the memory budget (the oldest page goes first). Packets are hashed as they
/// come and inserted in batches. Not thread-safe: one capture loop feeds one table.
/// </summary>
internal sealed class DigestTable : IDisposable
{
    // Packets hashed (and their bits prefetched) before the batch is inserted: enough hashing
    // work to cover the memory latency of the first prefetches.
    private const int BatchSize = 32;

    private readonly DigestOptions _options;
    private readonly LinkedList<DigestPage> _pages = new();
    private readonly ulong[] _batch = new ulong[BatchSize];
    private int _batched;
    private long _bytes;
    private DigestPage? _current;
    private long _currentWindowEndNs;

    public DigestTable(string link, DigestOptions options, ulong? seed = null)
    {
        options.Validate();
        Link = link;
        _options = options;
        Seed = seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    }

    public string Link { get; }

    /// <summary>The table's hash seed: random unless given, and kept with every page.</summary>
    public ulong Seed { get; }

    /// <summary>Pages oldest first; the last one is current (it may still take packets).</summary>
    public IReadOnlyCollection<DigestPage> Pages => _pages;

    /// <summary>Latest packet time of any page dropped for the memory budget (0 when none was).</summary>
    public long EvictedUntilNs { get; private set; }

    /// <summary>Raised when a page is sealed (full or its window ended), before it can be evicted.</summary>
    public event Action<DigestPage>? PageSealed;

    public long Packets { get; private set; }

    /// <summary>What the table's packets are keyed by.</summary>
    public DigestScheme Scheme => _options.Scheme;

    /// <summary>Digests one packet's key (<see cref="DigestSchemes.KeyFromIp"/> of the table's scheme) seen at the given time.</summary>
    public void Add(ReadOnlySpan<byte> key, long timestampNs)
    {
        var page = _current;
        if (page is null || page.IsFull || timestampNs >= _currentWindowEndNs)
        {
            page = OpenPage(timestampNs);
        }
        if (timestampNs < page.StartNs)
        {
            page.StartNs = timestampNs; // slightly out of order: widen, rather than lose it
        }
        if (timestampNs > page.EndNs)
        {
            page.EndNs = timestampNs;
        }
        page.Count++;
        Packets++;
        ulong hash = DigestPage.Hash(key, Seed);
        page.Prefetch(hash);
        _batch[_batched++] = hash;
        if (_batched == BatchSize)
        {
            Flush();
        }
    }

    /// <summary>Inserts the packets still batched; call before querying or saving the current page.</summary>
    public void Flush()
    {
        if (_batched > 0)
        {
            _current!.InsertBatch(_batch.AsSpan(0, _batched));
            _batched = 0;
        }
    }

    /// <summary>Seals the current page (at the end of a capture), so it is saved like the others.</summary>
    public void SealCurrent()
    {
        Flush();
        if (_current is { Count: > 0 } current)
        {
            current.Seal();
            _current = null;
            PageSealed?.Invoke(current);
        }
    }

    /// <summary>
    /// Seals the current page when its window has ended by <paramref name="nowNs"/>, although no
    /// packet came after it: on a quiet link the last traffic must still reach the archive.
    /// </summary>
    public void SealIfWindowEnded(long nowNs)
    {
        if (_current is not null && nowNs >= _currentWindowEndNs)
        {
            SealCurrent();
        }
    }

    /// <summary>Adds a page from the archive (for queries and for history that survives a restart).</summary>
    public void AddSealed(DigestPage page)
    {
        var node = _pages.First;
        while (node is not null && node.Value.StartNs <= page.StartNs)
        {
            node = node.Next;
        }
        if (node is null)
        {
            _pages.AddLast(page);
        }
        else
        {
            _pages.AddBefore(node, page);
        }
        _bytes += page.Bytes;
        Evict(0)?.Dispose();
    }

    private DigestPage OpenPage(long timestampNs)
    {
        if (_current is { } previous)
        {
            Flush();
            previous.Seal();
            PageSealed?.Invoke(previous);
        }
        // Make room first, so the oldest page's memory can become the new page.
        _current = null;
        var recycled = Evict(_options.PageBytes);
        var page = recycled is not null && recycled.BitCount == _options.PageBits && recycled.Hashes == _options.Hashes
            ? new DigestPage(recycled, timestampNs)
            : new DigestPage(Link, Seed, _options.Hashes, _options.PageBits, _options.PageCapacity, timestampNs, _options.Scheme);
        recycled?.Dispose(); // frees nothing when its memory went to the new page
        _pages.AddLast(page);
        _current = page;
        _currentWindowEndNs = timestampNs + _options.Window.Ticks * 100;
        _bytes += page.Bytes;
        return page;
    }

    /// <summary>
    /// Drops the oldest pages until <paramref name="room"/> more bytes fit the budget, never the
    /// current page. The last page dropped is returned (not disposed) for its memory to be
    /// reused; the others are disposed.
    /// </summary>
    private DigestPage? Evict(long room)
    {
        DigestPage? last = null;
        while (_bytes + room > _options.MemoryBudgetBytes && _pages.Count > 0 && _pages.First!.Value != _current)
        {
            last?.Dispose();
            last = _pages.First.Value;
            _pages.RemoveFirst();
            _bytes -= last.Bytes;
            EvictedUntilNs = Math.Max(EvictedUntilNs, last.EndNs);
        }
        return last;
    }

    public void Dispose()
    {
        foreach (var page in _pages)
        {
            page.Dispose();
        }
        _pages.Clear();
    }
}
