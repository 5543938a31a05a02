namespace InterTrack.LinkTesting;

/// <summary>
/// The emulated routers' live counters: per link and attack signature, how many matching packets
/// crossed and when the last one did, counted as packets are forwarded. They count every packet
/// they are handed, whatever its time, and forget nothing: the window is applied by
/// <see cref="LinkTestEvidence"/>, as the routers' nftables would. Thread-safe.
/// </summary>
internal sealed class LinkCounters(TimeProvider? time = null) : ILinkCounters
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<(string Link, AttackSignature Signature), (long Packets, long LastNs)> _counters = [];
    private readonly Dictionary<AttackSignature, (long Packets, long LastNs)> _anyLink = [];

    public long SinceNs => 0;

    public void Count(string link, AttackSignature signature, long atNs)
    {
        lock (_counters)
        {
            var (packets, last) = _counters.GetValueOrDefault((link, signature));
            _counters[(link, signature)] = (packets + 1, Math.Max(last, atNs));
            var (all, lastAll) = _anyLink.GetValueOrDefault(signature);
            _anyLink[signature] = (all + 1, Math.Max(lastAll, atNs));
        }
    }

    public CounterReading? Read(string link, AttackSignature signature)
    {
        lock (_counters)
        {
            return Reading(_counters.TryGetValue((link, signature), out var c) ? c : null);
        }
    }

    public CounterReading? ReadAnyLink(AttackSignature signature)
    {
        lock (_counters)
        {
            return Reading(_anyLink.TryGetValue(signature, out var c) ? c : null);
        }
    }

    private CounterReading Reading((long Packets, long LastNs)? counter) => CounterReading.Of(counter,
        (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100);

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
