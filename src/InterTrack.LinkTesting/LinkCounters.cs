namespace InterTrack.LinkTesting;

/// <summary>
/// The emulated routers' live counters: per link and attack signature, how many matching packets
/// crossed and when the last one did, counted as packets are forwarded. Thread-safe.
/// </summary>
public sealed class LinkCounters : ILinkCounters
{
    private readonly Dictionary<(string Link, AttackSignature Signature), (long Packets, long LastNs)> _counters = [];

    public void Count(string link, AttackSignature signature, long atNs)
    {
        lock (_counters)
        {
            var (packets, last) = _counters.GetValueOrDefault((link, signature));
            _counters[(link, signature)] = (packets + 1, Math.Max(last, atNs));
        }
    }

    /// <summary>Matching packets on the link so far and the time of the last one; (0, null) when none.</summary>
    public (long Packets, long? LastNs)? Read(string link, AttackSignature signature)
    {
        lock (_counters)
        {
            return _counters.TryGetValue((link, signature), out var c) ? (c.Packets, c.LastNs) : (0, null);
        }
    }

    /// <summary>Bytes the counters take: what link testing stores, independent of the packets' number.</summary>
    public long Bytes
    {
        get
        {
            lock (_counters)
            {
                return _counters.Count * 32L;
            }
        }
    }
}
