namespace InterTrack.Digest;

/// <summary>
/// The pages a directory holds (written by capture agents elsewhere, or <c>intertrack digest</c>),
/// as a digest source that follows the directory. Only the headers of all page files are kept
/// (link and time span); a query loads the bitmaps of the pages in its time window alone, and
/// loaded pages stay in a cache bounded by <paramref name="cacheBytes"/>, the least recently asked
/// going first. Page files never change once written; the listing is read again when it is older
/// than <paramref name="refresh"/>, so a query sees every page sealed before it, give or take that.
/// </summary>
internal sealed class DigestArchiveSource(string directory, TimeSpan refresh, TimeProvider? time = null, long cacheBytes = 1L << 30)
    : IDigestSource, IDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, DigestPageFile.Header> _headers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DigestPage Page, long LastAsked)> _loaded = new(StringComparer.Ordinal);
    private Dictionary<string, List<DigestPageFile.Header>> _byLink = new(StringComparer.Ordinal);
    private DateTimeOffset _listed = DateTimeOffset.MinValue;
    private long _loadedBytes, _asks;

    public IReadOnlyCollection<string> Links
    {
        get
        {
            lock (_headers)
            {
                Refresh();
                return [.. _byLink.Keys];
            }
        }
    }

    /// <summary>Pages whose bitmaps are in memory now.</summary>
    public int LoadedPages
    {
        get
        {
            lock (_headers)
            {
                return _loaded.Count;
            }
        }
    }

    /// <exception cref="DirectoryNotFoundException">The directory is gone.</exception>
    /// <exception cref="InvalidDataException">A page file is damaged (the message names it).</exception>
    public IReadOnlySet<DigestScheme> Schemes
    {
        get
        {
            lock (_headers)
            {
                Refresh();
                return _headers.Values.Select(h => h.Scheme).ToHashSet();
            }
        }
    }

    public DigestAnswer Ask(string link, DigestKeys keys, long? atNs, TimeSpan tolerance)
    {
        lock (_headers) // a page is disposed only under this lock, so never while asked
        {
            Refresh();
            long slack = tolerance.Ticks * 100;
            var wanted = (_byLink.TryGetValue(link, out var headers) ? headers : [])
                .Where(h => keys.Has(h.Scheme) && (atNs is not { } at || (at >= h.StartNs - slack && at <= h.EndNs + slack)))
                .Select(h => h.Path).ToList();
            _asks++;
            var pages = wanted.Select(Page).ToList();
            Evict(keep: wanted);
            return DigestQuery.Ask(pages, keys, atNs, tolerance);
        }
    }

    private DigestPage Page(string path)
    {
        if (!_loaded.TryGetValue(path, out var entry))
        {
            entry.Page = DigestPageFile.Load(path);
            _loadedBytes += entry.Page.Bytes;
        }
        _loaded[path] = (entry.Page, _asks);
        return entry.Page;
    }

    /// <summary>Drops the least recently asked pages beyond the budget, never those of the query at hand.</summary>
    private void Evict(IReadOnlyCollection<string> keep)
    {
        if (_loadedBytes <= cacheBytes)
        {
            return;
        }
        foreach (var (path, entry) in _loaded.OrderBy(e => e.Value.LastAsked).ToList())
        {
            if (_loadedBytes <= cacheBytes)
            {
                break;
            }
            if (!keep.Contains(path))
            {
                Unload(path, entry.Page);
            }
        }
    }

    private void Unload(string path, DigestPage page)
    {
        _loaded.Remove(path);
        _loadedBytes -= page.Bytes;
        page.Dispose();
    }

    private void Refresh()
    {
        var now = _time.GetUtcNow();
        if (now - _listed < refresh)
        {
            return;
        }
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"no digest directory {directory}");
        }
        var files = Directory.EnumerateFiles(directory, "*" + DigestPageFile.Extension).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _headers.Keys.Where(f => !files.Contains(f)).ToList())
        {
            _headers.Remove(gone);
            if (_loaded.TryGetValue(gone, out var entry))
            {
                Unload(gone, entry.Page);
            }
        }
        foreach (var file in files.Where(f => !_headers.ContainsKey(f)))
        {
            _headers[file] = DigestPageFile.ReadHeader(file);
        }
        _byLink = _headers.Values.GroupBy(h => h.Link, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(h => h.StartNs).ToList(), StringComparer.Ordinal);
        _listed = now;
    }

    public void Dispose()
    {
        lock (_headers)
        {
            foreach (var (page, _) in _loaded.Values)
            {
                page.Dispose();
            }
            _loaded.Clear();
            _loadedBytes = 0;
        }
    }
}
