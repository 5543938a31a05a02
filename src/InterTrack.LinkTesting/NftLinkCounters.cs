using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace InterTrack.LinkTesting;

/// <summary>
/// The routers' nftables counters (<see cref="NftRuleset"/>) as input debugging reads them. Links
/// are named as digest links are, "INTERFACE:in" and "INTERFACE:out", so interface names must be
/// unique within the AS. A trace asks many packets on many links: the routers are read at most
/// once per <see cref="Refresh"/>, all in one go.
/// </summary>
internal sealed class NftLinkCounters(IReadOnlyList<LinkTestRouter> routers, TimeProvider time, ILogger logger) : ILinkCounters
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Snapshot? _snapshot; // null: no router could be read
    private DateTimeOffset? _readAt;

    /// <summary>Made once the counters are installed: they count from then on.</summary>
    public long SinceNs { get; } = Ns(time.GetUtcNow());

    public CounterReading? Read(string link, AttackSignature signature) =>
        Current() is { } s ? s.Reading(s.Links.TryGetValue((link, signature), out var c) ? c : null) : null;

    public CounterReading? ReadAnyLink(AttackSignature signature) =>
        Current() is { } s ? s.Reading(s.AnyLink.TryGetValue(signature, out var c) ? c : null) : null;

    private Snapshot? Current()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_readAt is null || now - _readAt >= Refresh)
            {
                _snapshot = ReadAll(now);
                _readAt = now;
            }
            return _snapshot;
        }
    }

    /// <summary>
    /// Every router's counters; a router that cannot be read is logged and left out (its links are unknown, not empty);
    /// null when none can be read.
    /// </summary>
    private Snapshot? ReadAll(DateTimeOffset now)
    {
        var counters = new Dictionary<(string, AttackSignature), (long, long)>();
        int failed = 0;
        foreach (var router in routers)
        {
            try
            {
                Parse(NftCommand.Run(router, ["-j", "-n", "list", "table", "inet", NftRuleset.Table]), now, counters);
            }
            catch (Exception e) when (e is IOException or JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                failed++;
                logger.CannotRead(router.Name, e.Message);
            }
        }
        return failed == routers.Count ? null : new Snapshot(counters, Ns(now), someUnread: failed > 0);
    }

    private static long Ns(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>
    /// One reading of all routers: per link and signature, and per signature over all links.
    /// <paramref name="someUnread"/>: some router could not be read, so a counter missing here may be on it.
    /// </summary>
    private sealed class Snapshot
    {
        private readonly long _readNs;
        private readonly bool _someUnread;

        public Snapshot(Dictionary<(string, AttackSignature), (long, long)> links, long readNs, bool someUnread)
        {
            Links = links;
            (_readNs, _someUnread) = (readNs, someUnread);
            foreach (var ((_, signature), (packets, last)) in links)
            {
                var (all, lastAll) = AnyLink.GetValueOrDefault(signature);
                AnyLink[signature] = (all + packets, Math.Max(lastAll, last));
            }
        }

        public Dictionary<(string Link, AttackSignature Signature), (long Packets, long LastNs)> Links { get; }

        public Dictionary<AttackSignature, (long Packets, long LastNs)> AnyLink { get; } = [];

        public CounterReading? Reading((long Packets, long LastNs)? counter) => counter is null && _someUnread ? null : CounterReading.Of(counter, _readNs);
    }

    /// <summary>
    /// Reads <c>nft -j -n list table</c>: per set element (daddr, protocol, port, interface) its
    /// packets, and the time of the last one, which is the set's timeout minus what is left of it
    /// (each matching packet restarts the element's timeout).
    /// </summary>
    internal static void Parse(string json, DateTimeOffset now, Dictionary<(string, AttackSignature), (long, long)> into)
    {
        using var document = JsonDocument.Parse(json);
        long nowNs = Ns(now);
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var set) || !NftRuleset.Sets.Contains(set.GetProperty("name").GetString())
                || !set.TryGetProperty("elem", out var elements))
            {
                continue;
            }
            string direction = set.GetProperty("name").GetString()!.StartsWith("in", StringComparison.Ordinal) ? "in" : "out";
            long timeout = set.TryGetProperty("timeout", out var t) ? t.GetInt64() : 0;
            foreach (var element in elements.EnumerateArray())
            {
                var e = element.TryGetProperty("elem", out var wrapped) ? wrapped : element;
                var key = e.GetProperty("val").GetProperty("concat");
                var signature = new AttackSignature(IPAddress.Parse(key[0].GetString()!), checked((byte)key[1].GetInt32()), checked((ushort)key[2].GetInt32()));
                long packets = e.TryGetProperty("counter", out var counter) ? counter.GetProperty("packets").GetInt64() : 0;
                long expires = e.TryGetProperty("expires", out var x) ? x.GetInt64() : timeout;
                long lastNs = nowNs - Math.Max(0, timeout - expires) * 1_000_000_000L;
                into[($"{key[3].GetString()}:{direction}", signature)] = (packets, lastNs);
            }
        }
    }
}
