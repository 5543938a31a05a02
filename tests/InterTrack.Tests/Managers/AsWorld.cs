using System.Collections.Concurrent;
using InterTrack.Border;
using InterTrack.Digest;
using InterTrack.Managers;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Capture;

namespace InterTrack.Tests.Managers;

/// <summary>
/// ASes with real digest tables on their border links, real DigestBtms and ITMs joined by the
/// in-memory transport (XML on every hop). Attack packets are digested on every border link they
/// cross. DTMs are test doubles that record what they were asked and find the packets an AS originated.
/// </summary>
internal sealed class AsWorld : IDisposable
{
    private const long T0 = 1_764_000_000L * 1_000_000_000;
    private readonly Dictionary<uint, Dictionary<string, DigestTable>> _tables = [];
    private readonly Dictionary<uint, List<BorderLink>> _links = [];
    private readonly HashSet<uint> _stubs = [];
    private readonly Dictionary<uint, HashSet<string>> _originated = [];
    private readonly List<PageSet> _pageSets = [];
    private int _packets;

    public InMemoryItmNetwork Network { get; } = new();

    public ConcurrentDictionary<uint, List<int>> DtmCalls { get; } = new();

    public Dictionary<uint, Itm> Itms { get; } = [];

    private static ItmSettings Settings(uint asNumber) => new(asNumber) { TraceTimeout = TimeSpan.FromSeconds(3), ComponentTimeout = TimeSpan.FromSeconds(2) };

    public void Connect(uint a, uint b)
    {
        foreach (var (self, other) in new[] { (a, b), (b, a) })
        {
            var links = _links.TryGetValue(self, out var l) ? l : _links[self] = [];
            links.Add(new BorderLink($"to{other}:in", other, BorderDirection.In));
            links.Add(new BorderLink($"to{other}:out", other, BorderDirection.Out));
        }
    }

    public void Stub(uint asNumber) => _stubs.Add(asNumber);

    /// <summary>Sends <paramref name="count"/> new packets along the AS path (origin first, victim last); returns them.</summary>
    public List<byte[]> Attack(int count, params uint[] path)
    {
        var packets = Enumerable.Range(_packets, count).Select(i => TestPackets.Udp4(i)).ToList();
        _packets += count;
        var invariant = new byte[PacketInvariant.MaxLength];
        foreach (var packet in packets)
        {
            var key = invariant[..PacketInvariant.FromIp(packet, invariant)];
            (_originated.TryGetValue(path[0], out var o) ? o : _originated[path[0]] = []).Add(Convert.ToHexString(key));
            for (int hop = 0; hop + 1 < path.Length; hop++)
            {
                Table(path[hop], $"to{path[hop + 1]}:out").Add(key, T0);
                Table(path[hop + 1], $"to{path[hop]}:in").Add(key, T0);
            }
        }
        return packets;
    }

    /// <summary>Border packets that entered from <paramref name="from"/> though nobody sent them that way (a broken or looping border).</summary>
    public void AlsoSeenEntering(uint asNumber, uint from, IEnumerable<byte[]> packets)
    {
        var invariant = new byte[PacketInvariant.MaxLength];
        foreach (var packet in packets)
        {
            Table(asNumber, $"to{from}:in").Add(invariant.AsSpan(0, PacketInvariant.FromIp(packet, invariant)), T0);
        }
    }

    public void Start(Func<uint, IBtmClient?>? btmOverride = null)
    {
        foreach (var (asNumber, links) in _links)
        {
            // Every link has pages for the attack's time, as a running agent would.
            foreach (var link in links)
            {
                Table(asNumber, link.DigestLink).Add(BitConverter.GetBytes(-1L - asNumber), T0);
            }
            var tables = _tables[asNumber].Values.ToList();
            tables.ForEach(t => t.Flush());
            var pages = new PageSet(tables.SelectMany(t => t.Pages).ToList());
            _pageSets.Add(pages);
            var btm = btmOverride?.Invoke(asNumber)
                ?? (_stubs.Contains(asNumber) ? new StubBtm(asNumber) : new DigestBtm(asNumber, links, pages, TimeSpan.FromSeconds(5)));
            var itm = new Itm(Settings(asNumber), btm, [new RecordingDtm(this, asNumber)], Network);
            Itms[asNumber] = itm;
            Network.Add(itm);
        }
    }

    public async Task<ItmTraceReply> TraceAsync(uint victim, IEnumerable<byte[]> packets)
    {
        var itm = Itms[victim];
        var footmarks = packets.Select(p => EvidencePackets.ToFootmark(p, T0)).ToList();
        var request = new ItmTraceRequest(NeighborNode.ForItm(victim), itm.NewMessageId(), 16, ItmPathList.Empty,
            EvidencePackets.ToEvidence(footmarks, new TimeVal(1_764_000_000, 0)));
        return (await itm.TraceAsync(request, fromOwnDPoint: true, CancellationToken.None)).Reply;
    }

    private DigestTable Table(uint asNumber, string link)
    {
        var tables = _tables.TryGetValue(asNumber, out var t) ? t : _tables[asNumber] = [];
        return tables.TryGetValue(link, out var table) ? table : tables[link] = new DigestTable(link, new DigestOptions { PageCapacity = 50_000 });
    }

    public void Dispose()
    {
        _pageSets.ForEach(p => p.Dispose());
    }

    /// <summary>Records the footmark count of each DTM request; finds the packets this AS originated.</summary>
    private sealed class RecordingDtm(AsWorld world, uint asNumber) : IDtmClient
    {
        public Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken)
        {
            var footmarks = EvidencePackets.Footmarks(request.Evidence);
            world.DtmCalls.AddOrUpdate(asNumber, _ => [footmarks.Count], (_, list) => { lock (list) { list.Add(footmarks.Count); } return list; });
            bool found = world._originated.TryGetValue(asNumber, out var mine)
                && footmarks.Any(f => EvidencePackets.Invariant(f) is { } p && mine.Contains(Convert.ToHexString(p.Invariant)));
            var agent = new AgentReply(NodeId.ForItm(asNumber), found ? TraceState.Found : TraceState.NotFound);
            return Task.FromResult(new DtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId,
                new IntraAsTraceResult(found ? 90u : 0u) { SubDomains = [new SubDomain(new NetworkInfo()) { Agent = agent }] }));
        }
    }
}
