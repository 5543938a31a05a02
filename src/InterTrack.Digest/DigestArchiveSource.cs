namespace InterTrack.Digest;

/// <summary>
/// The pages a directory holds (written by capture agents elsewhere, or <c>intertrack digest</c>),
/// as a digest source that follows the directory: page files are never changed once written, so
/// each is loaded once and kept; the listing is read again when it is older than
/// <paramref name="refresh"/>, so a query sees every page sealed before it, give or take that.
/// </summary>
public sealed class DigestArchiveSource(string directory, TimeSpan refresh, TimeProvider? time = null) : IDigestSource, IDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, DigestPage> _byFile = new(StringComparer.Ordinal);
    private Dictionary<string, List<DigestPage>> _byLink = new(StringComparer.Ordinal);
    private DateTimeOffset _listed = DateTimeOffset.MinValue;

    public IReadOnlyCollection<string> Links
    {
        get
        {
            lock (_byFile)
            {
                Refresh();
                return [.. _byLink.Keys];
            }
        }
    }

    /// <exception cref="DirectoryNotFoundException">The directory is gone.</exception>
    /// <exception cref="InvalidDataException">A new page file is damaged (the message names it).</exception>
    public DigestAnswer Ask(string link, ReadOnlySpan<byte> invariant, long? atNs, TimeSpan tolerance)
    {
        lock (_byFile) // a page is disposed only under this lock, so never while asked
        {
            Refresh();
            return DigestQuery.Ask(_byLink.TryGetValue(link, out var pages) ? pages : [], invariant, atNs, tolerance);
        }
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
        foreach (var gone in _byFile.Keys.Where(f => !files.Contains(f)).ToList())
        {
            _byFile.Remove(gone, out var page);
            page!.Dispose();
        }
        foreach (var file in files.Where(f => !_byFile.ContainsKey(f)).Order(StringComparer.Ordinal))
        {
            _byFile[file] = DigestPageFile.Load(file);
        }
        _byLink = _byFile.Values.GroupBy(p => p.Link, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.StartNs).ToList(), StringComparer.Ordinal);
        _listed = now;
    }

    public void Dispose()
    {
        lock (_byFile)
        {
            foreach (var page in _byFile.Values)
            {
                page.Dispose();
            }
            _byFile.Clear();
            _byLink.Clear();
        }
    }
}
