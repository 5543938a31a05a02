using InterTrack.Node.Tracing;

namespace InterTrack.Digest;

/// <summary>
/// The reflection requests a digest system saw, per link: the SHA-256 of each request's key (<c>ReflectionKey.Hash</c>) and when it
/// was first and last seen there. An amplifier's border looks up the key of an answer it sent; ASes upstream look up the hash an
/// AppFootmark carries. An exact set, not a Bloom filter: no false positives, 56 bytes or so per request and link. The emulation's
/// model only: the live capture agent's pages do not keep requests yet (docs/reflection.md).
/// </summary>
internal sealed class ReflectionRequests
{
    private const int EntryBytes = 32 + 16 + 8; // the hash, first and last time, the link's reference
    private readonly Dictionary<(string Link, string Hash), (long First, long Last)> _seen = [];

    public long Bytes => _seen.Count * (long)EntryBytes;

    public void Add(string link, byte[] hash, long ns)
    {
        var key = (link, Convert.ToBase64String(hash));
        _seen[key] = _seen.TryGetValue(key, out var window) ? (Math.Min(window.First, ns), Math.Max(window.Last, ns)) : (ns, ns);
    }

    /// <summary>Was a request of that key seen on the link within <paramref name="tolerance"/> of <paramref name="ns"/> (any time: null)?</summary>
    public LinkAnswer Ask(string link, byte[] hash, long? ns, TimeSpan tolerance)
    {
        if (!_seen.TryGetValue((link, Convert.ToBase64String(hash)), out var window))
        {
            return LinkAnswer.NotSeen;
        }
        long slack = (long)tolerance.TotalNanoseconds;
        return ns is not { } t || (t >= window.First - slack && t <= window.Last + slack) ? new LinkAnswer(true, false, 1) : LinkAnswer.NotSeen;
    }
}
