using System.Collections.Concurrent;
using InterTrack.Digest;
using InterTrack.Emulation;
using InterTrack.Node.Managers;
using InterTrack.Node.Tracing;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Transport;

namespace InterTrack.Tests.Managers;

/// <summary>
/// ASes with real digest tables on their border links, real BTMs over digest evidence and ITMs joined by the
/// in-memory transport (XML on every hop). Attack packets are digested on every border link they
/// cross. DTMs are test doubles that record what they were asked and find the packets an AS originated.
/// </summary>
internal sealed class AsWorld(TestPki? pki = null) : IDisposable
{
    /// <summary>True when every ITM, BTM and DTM is a mutual-TLS server on loopback; false for the in-memory transport.</summary>
    public bool OverTls => pki is not null;

    // The attack happens now, as far as the digest tables know: evidence is fresh for the D Point's age policy.
    private long? _t0;

    /// <summary>How long before the world was made the attack happened.</summary>
    public TimeSpan AttackAgo { get; init; }

    /// <summary>What each AS's digest tables are keyed by (xxh3 unless said).</summary>
    public Func<uint, DigestScheme> Scheme { get; init; } = _ => DigestScheme.Xxh3;

    private long T0 => _t0 ??= TimeVal.ToNs(DateTimeOffset.UtcNow - AttackAgo);
    private readonly Dictionary<uint, Dictionary<string, DigestTable>> _tables = [];
    private readonly Dictionary<uint, List<BorderLink>> _links = [];
    private readonly HashSet<uint> _stubs = [];
    private readonly Dictionary<uint, HashSet<string>> _originated = [];
    private readonly List<PageSet> _pageSets = [];
    private int _packets;

    public InMemoryItmNetwork Network { get; } = new();

    public ConcurrentDictionary<uint, List<int>> DtmCalls { get; } = new();

    public Dictionary<uint, Itm> Itms { get; } = [];

    /// <summary>The victim's whole-trace budget: short, so that tests of silent neighbours end soon.</summary>
    public TimeSpan TraceTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The ITMs' clock: their deadlines and timeouts run on it.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Changes an AS's ITM settings (policy) before it starts.</summary>
    public Func<ItmSettings, ItmSettings> Tune { get; init; } = s => s;

    private ItmSettings Settings(uint asNumber) => Tune(new(asNumber) { TraceTimeout = TraceTimeout, ComponentTimeout = TimeSpan.FromSeconds(2) });

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
        foreach (var packet in packets)
        {
            (_originated.TryGetValue(path[0], out var o) ? o : _originated[path[0]] = []).Add(PackterMd5.Hex(packet));
            for (int hop = 0; hop + 1 < path.Length; hop++)
            {
                Add(path[hop], $"to{path[hop + 1]}:out", packet);
                Add(path[hop + 1], $"to{path[hop]}:in", packet);
            }
        }
        return packets;
    }

    /// <summary>Border packets that entered from <paramref name="from"/> though nobody sent them that way (a broken or looping border).</summary>
    public void AlsoSeenEntering(uint asNumber, uint from, IEnumerable<byte[]> packets)
    {
        foreach (var packet in packets)
        {
            Add(asNumber, $"to{from}:in", packet);
        }
    }

    private readonly List<IAsyncDisposable> _network = [];

    public void Start(Func<uint, IBtmClient?>? btmOverride = null)
    {
        if (pki is not null)
        {
            StartTls(pki, btmOverride);
            return;
        }
        foreach (var (asNumber, btm) in LocalBtms(btmOverride))
        {
            var itm = new Itm(Settings(asNumber), btm, [new RecordingDtm(this, asNumber)], Network, Time);
            Itms[asNumber] = itm;
            Network.Add(itm);
        }
    }

    /// <summary>
    /// The same ASes, but every ITM and BTM is a server on 127.0.0.1 with a certificate from
    /// <paramref name="pki"/>: ITM↔ITM and ITM→BTM go over mutual TLS.
    /// </summary>
    private void StartTls(TestPki pki, Func<uint, IBtmClient?>? btmOverride)
    {
        var btms = LocalBtms(btmOverride);
        var itmPorts = new Dictionary<uint, int>();
        foreach (var (asNumber, btm) in btms)
        {
            var itmIdentity = new Node.Pki.NodeIdentity(asNumber, NodeRole.Itm);
            var btmCredentials = pki.Issue(asNumber, "btm");
            var btmListener = MessageListener.StartTls(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), btmCredentials,
                PeerAuthenticator.Only([itmIdentity]), ManagerServices.Btm(btm));
            _network.Add(btmListener);
            var itmCredentials = pki.Issue(asNumber, "itm");
            var neighbors = _links[asNumber].Select(l => l.NeighborAs).Distinct().ToList();
            var itmListener = MessageListener.StartTls(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), itmCredentials,
                PeerAuthenticator.Only([.. neighbors.Select(n => new Node.Pki.NodeIdentity(n, NodeRole.Itm)),
                new Node.Pki.NodeIdentity(asNumber, NodeRole.DPoint)]),
                (connection, message, ct) => ManagerServices.Itm(Itms[asNumber])(connection, message, ct));
            _network.Add(itmListener);
            _itmListeners[asNumber] = itmListener;
            itmPorts[asNumber] = itmListener.LocalEndPoint.Port;
            ItmPorts[asNumber] = itmListener.LocalEndPoint.Port;
            var btmClient = new NetworkBtmClient(new PeerEndpoint("127.0.0.1", btmListener.LocalEndPoint.Port,
                new Node.Pki.NodeIdentity(asNumber, NodeRole.Btm)), itmCredentials);
            _network.Add(btmClient);
            var dtmListener = MessageListener.StartTls(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), pki.Issue(asNumber, "dtm"),
                PeerAuthenticator.Only([itmIdentity]), ManagerServices.Dtm(new RecordingDtm(this, asNumber)));
            _network.Add(dtmListener);
            var dtmClient = new NetworkDtmClient(new PeerEndpoint("127.0.0.1", dtmListener.LocalEndPoint.Port,
                new Node.Pki.NodeIdentity(asNumber, NodeRole.Dtm)), itmCredentials);
            _network.Add(dtmClient);
            _dtms[asNumber] = dtmClient;
            _pendingTls[asNumber] = (btmClient, itmCredentials, neighbors);
        }
        foreach (var (asNumber, (btmClient, credentials, neighbors)) in _pendingTls)
        {
            var endpoints = neighbors.ToDictionary(n => n, n => new PeerEndpoint("127.0.0.1", itmPorts[n], new Node.Pki.NodeIdentity(n, NodeRole.Itm)));
            var network = new NetworkItmNeighbors(endpoints, credentials);
            _network.Add(network);
            Itms[asNumber] = new Itm(Settings(asNumber), btmClient, [_dtms[asNumber]], network, Time);
        }
    }

    private readonly Dictionary<uint, (IBtmClient Btm, TlsCredentials Credentials, List<uint> Neighbors)> _pendingTls = [];
    private readonly Dictionary<uint, IDtmClient> _dtms = [];

    private List<(uint AsNumber, IBtmClient Btm)> LocalBtms(Func<uint, IBtmClient?>? btmOverride)
    {
        var btms = new List<(uint, IBtmClient)>();
        foreach (var (asNumber, links) in _links)
        {
            // Every link has pages for the attack's time, as a running agent would.
            foreach (var link in links)
            {
                Add(asNumber, link.Link, TestPackets.Udp4(1_000_000 + (int)asNumber));
            }
            var tables = _tables[asNumber].Values.ToList();
            tables.ForEach(t => t.Flush());
            var pages = new PageSet(tables.SelectMany(t => t.Pages).ToList());
            _pageSets.Add(pages);
            var btm = btmOverride?.Invoke(asNumber)
                ?? (_stubs.Contains(asNumber) ? new StubBtm(asNumber) : new BorderBtm(asNumber, links, new DigestEvidence(pages), TimeSpan.FromSeconds(5)));
            btms.Add((asNumber, btm));
        }
        return btms;
    }

    /// <summary>Takes an AS's ITM away: its server stops (TLS), or the in-memory transport stops delivering to it.</summary>
    public async Task TakeDownAsync(uint asNumber)
    {
        if (OverTls)
        {
            await _itmListeners[asNumber].DisposeAsync();
        }
        else
        {
            Network.SetDown(asNumber, true);
        }
    }

    private readonly Dictionary<uint, MessageListener> _itmListeners = [];

    /// <summary>Where each AS's ITM listens (over TLS, after <see cref="Start"/>).</summary>
    public Dictionary<uint, int> ItmPorts { get; } = [];

    public long AttackTimeNs => T0;

    public async Task<ItmTraceReply> TraceAsync(uint victim, IEnumerable<byte[]> packets) => (await TraceOutcomeAsync(victim, packets)).Reply;

    /// <summary>The victim ITM's whole outcome: its reply and the border and domain answers it holds for its D Point.</summary>
    public async Task<ItmOutcome> TraceOutcomeAsync(uint victim, IEnumerable<byte[]> packets)
    {
        var itm = Itms[victim];
        var footmarks = packets.Select(p => EvidencePackets.ToFootmark(p, T0)).ToList();
        var request = new ItmTraceRequest(NeighborNode.ForItm(victim), itm.NewMessageId(), 16, ItmPathList.Empty,
            EvidencePackets.ToEvidence(footmarks, TimeVal.FromUnixNs(T0)));
        return await itm.TraceAsync(request, fromOwnDPoint: true, CancellationToken.None);
    }

    private void Add(uint asNumber, string link, byte[] packet)
    {
        var tables = _tables.TryGetValue(asNumber, out var t) ? t : _tables[asNumber] = [];
        var scheme = Scheme(asNumber);
        var table = tables.TryGetValue(link, out var found) ? found : tables[link] = new DigestTable(link,
            new DigestOptions { PageCapacity = 50_000, Scheme = scheme });
        Span<byte> key = stackalloc byte[DigestSchemes.MaxKeyLength];
        table.Add(key[..scheme.KeyFromIp(packet, key)], T0);
    }

    public void Dispose()
    {
        foreach (var resource in _network)
        {
            resource.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        foreach (var (_, credentials, _) in _pendingTls.Values)
        {
            credentials.Dispose();
        }
        _pageSets.ForEach(p => p.Dispose());
        pki?.Dispose();
    }

    /// <summary>Records the footmark count of each DTM request; finds the packets this AS originated.</summary>
    private sealed class RecordingDtm(AsWorld world, uint asNumber) : IDtmClient
    {
        public Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken)
        {
            var footmarks = EvidencePackets.Footmarks(request.Evidence);
            world.DtmCalls.AddOrUpdate(asNumber, _ => [footmarks.Count], (_, list) => { lock (list) { list.Add(footmarks.Count); } return list; });
            bool found = world._originated.TryGetValue(asNumber, out var mine)
                && footmarks.Select(EvidencePackets.Packet).Any(p => p?.Ip is { } ip ? mine.Contains(PackterMd5.Hex(ip))
                    : p?.Digest is { Encoding: DumpEncoding.Md5 } md5 && mine.Contains(Convert.ToHexStringLower(md5.Bytes)));
            var agent = new AgentReply(NodeId.ForItm(asNumber), found ? TraceState.Found : TraceState.NotFound);
            return Task.FromResult(new DtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId,
                new IntraAsTraceResult(found ? 90u : 0u) { SubDomains = [new SubDomain(new NetworkInfo()) { Agent = agent }] }));
        }
    }
}
