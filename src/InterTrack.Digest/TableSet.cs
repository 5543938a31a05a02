namespace InterTrack.Digest;

/// <summary>Live digest tables by link name, asked in place (the emulator's routers). Not thread-safe while packets are added.</summary>
internal sealed class TableSet(DigestOptions options) : IDigestSource, IDisposable
{
    private readonly Dictionary<string, DigestTable> _tables = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Links => _tables.Keys;

    public IReadOnlySet<DigestScheme> Schemes { get; } = new HashSet<DigestScheme> { options.Scheme };

    /// <summary>What packets are keyed by: <see cref="Add"/> takes keys of this scheme.</summary>
    public DigestScheme Scheme => options.Scheme;

    /// <summary>Bytes of every page of every table.</summary>
    public long Bytes => _tables.Values.Sum(t => t.Pages.Sum(p => p.Bytes));

    public void Add(string link, ReadOnlySpan<byte> key, long timestampNs)
    {
        if (!_tables.TryGetValue(link, out var table))
        {
            _tables[link] = table = new DigestTable(link, options);
        }
        table.Add(key, timestampNs);
    }

    /// <summary>Inserts what is batched, so queries see every packet added.</summary>
    public void Flush()
    {
        foreach (var table in _tables.Values)
        {
            table.Flush();
        }
    }

    public DigestAnswer Ask(string link, DigestKeys keys, long? atNs, TimeSpan tolerance) =>
        DigestQuery.Ask(_tables.TryGetValue(link, out var table) ? table.Pages : [], keys, atNs, tolerance);

    public void Dispose()
    {
        foreach (var table in _tables.Values)
        {
            table.Dispose();
        }
    }
}
