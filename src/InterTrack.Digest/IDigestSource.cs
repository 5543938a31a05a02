namespace InterTrack.Digest;

/// <summary>Digest history per link that can be asked about packets: an archive on disk, or a live agent.</summary>
internal interface IDigestSource
{
    IReadOnlyCollection<string> Links { get; }

    /// <summary>The schemes its pages are keyed by (<see cref="DigestScheme"/>).</summary>
    IReadOnlySet<DigestScheme> Schemes { get; }

    /// <summary>Asks the pages of one link (see <see cref="DigestQuery.Ask"/>); an unknown link has no pages, so the answer is "expired".</summary>
    DigestAnswer Ask(string link, DigestKeys keys, long? atNs, TimeSpan tolerance);
}

/// <summary>Pages grouped by link, e.g. loaded from a digest directory. Owns and disposes the pages.</summary>
internal sealed class PageSet : IDigestSource, IDisposable
{
    private readonly Dictionary<string, List<DigestPage>> _byLink;

    public PageSet(IEnumerable<DigestPage> pages)
    {
        _byLink = pages.GroupBy(p => p.Link, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        Schemes = _byLink.Values.SelectMany(p => p).Select(p => p.Scheme).ToHashSet();
    }

    public IReadOnlyCollection<string> Links => _byLink.Keys;

    public IReadOnlySet<DigestScheme> Schemes { get; }

    public DigestAnswer Ask(string link, DigestKeys keys, long? atNs, TimeSpan tolerance) =>
        DigestQuery.Ask(_byLink.TryGetValue(link, out var pages) ? pages : [], keys, atNs, tolerance);

    public void Dispose()
    {
        foreach (var page in _byLink.Values.SelectMany(p => p))
        {
            page.Dispose();
        }
    }
}
