using InterTrack.Protocol.Model;

namespace InterTrack.Digest;

/// <summary>One page's answer: whether the packet is in it, the page's window and its estimated false-positive rate.</summary>
public sealed record PageAnswer(string Link, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, bool Seen, double FalsePositiveRate);

/// <summary>
/// The answer to "was this packet seen at time T ± δ?". <see cref="Expired"/> means no kept page
/// covers that time — the tables were recycled or never covered it — which is not a "no".
/// </summary>
public sealed record DigestAnswer(bool Seen, IReadOnlyList<PageAnswer> Pages, bool Expired)
{
    public IEnumerable<PageAnswer> Matches => Pages.Where(p => p.Seen);
}

/// <summary>Asks digest pages about one packet.</summary>
public static class DigestQuery
{
    /// <param name="pages">Pages of any links, seeds and schemes; those whose scheme has no key for the packet are passed over.</param>
    /// <param name="keys">The packet's keys (<see cref="DigestKeys"/>).</param>
    /// <param name="atNs">When the packet was seen (ns since the epoch); null asks every page.</param>
    /// <param name="tolerance">δ: how far from <paramref name="atNs"/> a page may lie (clock skew, queueing).</param>
    public static DigestAnswer Ask(IEnumerable<DigestPage> pages, DigestKeys keys, long? atNs, TimeSpan tolerance)
    {
        long slack = tolerance.Ticks * 100;
        var answers = new List<PageAnswer>();
        var hashes = new Dictionary<(ulong, DigestScheme), ulong>();
        foreach (var page in pages)
        {
            if (atNs is { } at && (at < page.StartNs - slack || at > page.EndNs + slack) || keys.For(page.Scheme) is not { Length: > 0 } key)
            {
                continue;
            }
            if (!hashes.TryGetValue((page.Seed, page.Scheme), out ulong hash))
            {
                hashes[(page.Seed, page.Scheme)] = hash = DigestPage.Hash(key, page.Seed);
            }
            answers.Add(new PageAnswer(page.Link, TimeVal.FromNs(page.StartNs), TimeVal.FromNs(page.EndNs), page.Contains(hash), page.FalsePositiveRate()));
        }
        return new DigestAnswer(answers.Any(a => a.Seen), answers, atNs is not null && answers.Count == 0);
    }
}
