using System.Collections.Concurrent;
using System.Net;
using InterTrack.Emulation;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Topology;
using InterTrack.Node.Transport;
using InterTrack.Protocol;
using InterTrack.Protocol.Model;

namespace InterTrack.Emulation;

/// <summary>What an AS's ITM is made of: its settings, its BTM and its DTMs.</summary>
internal sealed record ItmParts(ItmSettings Settings, IBtmClient Btm, IReadOnlyList<IDtmClient> Dtms);

/// <summary>The ITMs of an emulation and how they reach each other; counts the messages and bytes between them.</summary>
internal interface IEmulatedNetwork : IAsyncDisposable
{
    Itm Itm(uint asNumber);
    long Messages { get; }
    long Bytes { get; }

    /// <summary>How many ASes an ITM asked at least once (neighbours and those skip-over asked).</summary>
    int AsesAsked { get; }
}

/// <summary>Every AS's ITM in process, XML on every hop (the "memory" transport).</summary>
internal sealed class MemoryNetwork : IEmulatedNetwork
{
    private readonly InMemoryItmNetwork _network = new();
    private readonly Dictionary<uint, Itm> _itms = [];

    public MemoryNetwork(AsGraph graph, Func<uint, ItmParts> build)
    {
        foreach (uint a in graph.Ases)
        {
            var parts = build(a);
            var itm = new Itm(parts.Settings, parts.Btm, parts.Dtms, _network);
            _itms[a] = itm;
            _network.Add(itm);
        }
    }

    public Itm Itm(uint asNumber) => _itms[asNumber];
    public long Messages => _network.Messages;
    public long Bytes => _network.Bytes;
    public int AsesAsked => _network.AsesAsked;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// The ITMs of the deployed ASes the traffic crossed (and the victim's), each a mutual-TLS server
/// on 127.0.0.1 with a certificate from an emulation CA, accepting the other running ITMs (its
/// neighbours, and those that skip over an AS running nothing), with its BTM and DTM as TLS
/// servers of their own that accept only their ITM (the "tls" transport). ASes that run nothing
/// have no ITM at all: asking them fails, as it would on the Internet.
/// </summary>
internal sealed class TlsNetwork : IEmulatedNetwork
{
    private readonly Dictionary<uint, Itm> _itms = [];
    private readonly List<IAsyncDisposable> _resources = [];
    private readonly MessageCodec _codec = new(new ProtocolLimits { MaxMessageBytes = 64 << 20, MaxFootmarks = 1_000_000, MaxAses = 1_000_000 });
    private readonly List<TlsCredentials> _credentials = [];
    private long _messages;
    private long _bytes;

    private TlsNetwork() { }

    /// <param name="ases">The ASes that run an ITM: they accept each other's ITMs (neighbours, and the directory's for
    /// skip-over); an AS not listed runs none.</param>
    /// <param name="victimDPoint">When set, that AS's ITM also accepts its D Point (for <c>--serve</c>).</param>
    /// <param name="progress">Told how far the start is: a certificate and a listener each takes a while on thousands of ASes.</param>
    public static TlsNetwork Start(IReadOnlyList<uint> ases, Func<uint, ItmParts> build, CertificateAuthority ca, uint? victimDPoint,
        Action<string>? progress = null)
    {
        progress ??= _ => { };
        progress($"TLS network: starting the ITMs of {ases.Count} ASes, each with its BTM and DTM, on 127.0.0.1 (a certificate each)");
        var network = new TlsNetwork();
        var running = ases.ToHashSet();
        var itmCredentials = new List<TlsCredentials>();
        var endpoints = new Dictionary<uint, PeerEndpoint>();
        var limits = new TransportOptions { Limits = new ProtocolLimits { MaxMessageBytes = 64 << 20, MaxFootmarks = 1_000_000, MaxAses = 1_000_000 } };
        foreach (uint a in ases)
        {
            var credentials = network.Credentials(ca, new NodeIdentity(a, NodeRole.Itm));
            itmCredentials.Add(credentials);
            uint self = a;
            // Every other running ITM (a test, not a list: thousands of ITMs would make millions of entries), and the victim's D Point.
            bool Admits(NodeIdentity peer) => peer.Role == NodeRole.Itm ? peer.AsNumber != self && running.Contains(peer.AsNumber)
                : peer.Role == NodeRole.DPoint && peer.AsNumber == self && self == victimDPoint;
            var listener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), credentials, Admits,
                (c, m, ct) => ManagerServices.Itm(network._itms[self])(c, m, ct), limits);
            network._resources.Add(listener);
            endpoints[a] = new PeerEndpoint("127.0.0.1", listener.LocalEndPoint.Port, credentials.Identity);
            network.ItmPorts[a] = listener.LocalEndPoint.Port;
        }
        progress($"TLS network: {ases.Count} ITMs listening; starting their BTMs and DTMs");
        int started = 0;
        foreach (var credentials in itmCredentials)
        {
            uint a = credentials.Identity.AsNumber;
            var client = new AskedNeighbors(a, endpoints, credentials, limits);
            network._resources.Add(client);
            var parts = build(a);
            var itm = credentials.Identity;
            var btm = network.Serve(ca, new NodeIdentity(a, NodeRole.Btm), itm, ManagerServices.Btm(parts.Btm), limits);
            var btmClient = new NetworkBtmClient(btm, credentials, limits);
            network._resources.Add(btmClient);
            var dtms = parts.Dtms.Select(d =>
            {
                var endpoint = network.Serve(ca, new NodeIdentity(a, NodeRole.Dtm), itm, ManagerServices.Dtm(d), limits);
                var dtmClient = new NetworkDtmClient(endpoint, credentials, limits);
                network._resources.Add(dtmClient);
                return (IDtmClient)dtmClient;
            }).ToList();
            network._itms[a] = new Itm(parts.Settings, btmClient, dtms, new Counting(network, client));
            if (++started * 4 / ases.Count > (started - 1) * 4 / ases.Count)
            {
                progress($"TLS network: {started} of {ases.Count} ASes up"); // each quarter
            }
        }
        return network;
    }

    private TlsCredentials Credentials(CertificateAuthority ca, NodeIdentity identity)
    {
        var credentials = TlsCredentials.Issue(ca, identity, TimeSpan.FromDays(7));
        _credentials.Add(credentials);
        return credentials;
    }

    /// <summary>A component (BTM or DTM) as a TLS server that accepts only its ITM; where to reach it.</summary>
    private PeerEndpoint Serve(CertificateAuthority ca, NodeIdentity identity, NodeIdentity itm, MessageHandler handler, TransportOptions limits)
    {
        var listener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), Credentials(ca, identity), PeerAuthenticator.Only([itm]), handler,
            limits);
        _resources.Add(listener);
        return new PeerEndpoint("127.0.0.1", listener.LocalEndPoint.Port, identity);
    }

    /// <summary>Where each running ITM listens.</summary>
    public Dictionary<uint, int> ItmPorts { get; } = [];

    public Itm Itm(uint asNumber) => _itms[asNumber];
    public long Messages => Interlocked.Read(ref _messages);
    public long Bytes => Interlocked.Read(ref _bytes);
    public int AsesAsked => _asked.Count;
    private readonly ConcurrentDictionary<uint, byte> _asked = new();

    /// <summary>
    /// One ITM's connections to the other running ITMs, each made when the ITM first asks that AS:
    /// any of them may be asked (skip-over), but a trace asks few of thousands, and a connection
    /// to each from each would be millions to make, hold and close.
    /// </summary>
    private sealed class AskedNeighbors(uint self, IReadOnlyDictionary<uint, PeerEndpoint> running, TlsCredentials credentials, TransportOptions options)
        : IItmNeighbors, IAsyncDisposable
    {
        private readonly ConcurrentDictionary<uint, Lazy<NetworkItmNeighbors>> _asked = new();

        public Task<NeighborAnswer> TraceAsync(uint neighborAs, ItmTraceRequest request, CancellationToken cancellationToken) =>
            Channel(neighborAs).TraceAsync(neighborAs, request, cancellationToken); // an AS running no ITM: refused as not configured

        private NetworkItmNeighbors Channel(uint asNumber) => _asked.GetOrAdd(asNumber, n => new(() => new NetworkItmNeighbors(
            n != self && running.TryGetValue(n, out var endpoint) ? new Dictionary<uint, PeerEndpoint> { [n] = endpoint } : [], credentials, options)))
            .Value;

        public Task NotifyAsync(uint asNumber, ItmTraceResultExport notice, CancellationToken cancellationToken) =>
            Channel(asNumber).NotifyAsync(asNumber, notice, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            foreach (var asked in _asked.Values.Where(a => a.IsValueCreated))
            {
                await asked.Value.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Counts what one ITM's requests and the answers put on the wire.</summary>
    private sealed class Counting(TlsNetwork network, IItmNeighbors inner) : IItmNeighbors
    {
        public async Task<NeighborAnswer> TraceAsync(uint neighborAs, ItmTraceRequest request, CancellationToken cancellationToken)
        {
            network._asked.TryAdd(neighborAs, 0);
            var answer = await inner.TraceAsync(neighborAs, request, cancellationToken).ConfigureAwait(false);
            network.Count(request);
            network.Count(answer.Reply);
            if (answer.Export is not null)
            {
                network.Count(new ItmTraceResultExport(NeighborNode.ForItm(neighborAs), request.MessageId, answer.Export));
            }
            return answer;
        }

        public async Task NotifyAsync(uint asNumber, ItmTraceResultExport notice, CancellationToken cancellationToken)
        {
            await inner.NotifyAsync(asNumber, notice, cancellationToken).ConfigureAwait(false);
            network.Count(notice);
        }
    }

    private void Count(InterTrackMessage message)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, _codec.Encode(message).Length);
    }

    public async ValueTask DisposeAsync()
    {
        // All at once: each waits for its own loops to end, and thousands in turn add up to seconds.
        await Task.WhenAll(_resources.Select(r => r.DisposeAsync().AsTask())).ConfigureAwait(false);
        _credentials.ForEach(c => c.Dispose());
    }
}
