using System.Net;
using InterTrack.Digest;
using InterTrack.Flow;
using InterTrack.Flow.Export;
using InterTrack.Flow.Store;
using InterTrack.LinkTesting;
using InterTrack.Marking;
using InterTrack.Tracing;

namespace InterTrack.Emulation;

/// <summary>
/// One AS of the emulated data plane: a border router "bN" per neighbour AS N the traffic uses,
/// a core router, and an access router "acc" for its hosts; and the evidence its deployment keeps.
/// A digest TS digests every router's ingress links, a digest BTS the border links both ways. A
/// flow TS has every router export IPFIX (1 in <paramref name="flowSampling"/> packets), a flow BTS
/// its border routers; the export messages are encoded to bytes and decoded by the same collector
/// code a deployed AS runs, into a flow store in <paramref name="flowDirectory"/>.
/// </summary>
/// <param name="scheme">What its digest tables are keyed by (<c>deployment.hash</c>).</param>
/// <param name="linkTestWindow">How recent matching packets must be for link testing to see the attack on a link.</param>
/// <param name="edgeSampling">When marking ASes mark by edge sampling (PPM); null: deterministic marking (DPM).</param>
internal sealed class EmulatedAs(uint asNumber, string bts, string ts, int flowSampling, string flowDirectory, DigestScheme scheme, TimeSpan linkTestWindow,
    EdgeSampling? edgeSampling) : IDisposable
{
    private const string Core = "core", Access = "acc", Hosts = RouterIngress.Hosts;
    private readonly SortedSet<uint> _neighbors = [];
    private readonly Dictionary<string, uint> _coreInterfaces = new(StringComparer.Ordinal) { [Access] = 1 };
    private readonly Dictionary<string, Dictionary<(FlowKey, byte, uint, uint), FlowRecord>> _exports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _exportCounters = new(StringComparer.Ordinal);
    private FlowStore? _flows;

    public uint AsNumber => asNumber;
    /// <summary>The kind of border traceback system: "digest", "flow" or "none".</summary>
    public string Bts => bts;
    /// <summary>The kind of traceback system inside: "digest", "flow" or "none".</summary>
    public string Ts => ts;
    public bool Deployed => bts != "none" || ts != "none";

    /// <summary>Packets that crossed this AS.</summary>
    public long Forwarded { get; private set; }

    // Small pages: a link of the emulation sees thousands of packets, and there are thousands of links.
    public TableSet Digests { get; } = new(new DigestOptions { PageCapacity = 8_192, BitsPerPacket = 16, Hashes = 4, MemoryBudgetBytes = 1 << 20, Scheme = scheme });

    // Not durable: the store is thrown away with the emulation, and forcing thousands of them to disk took seconds.
    public FlowStore Flows => _flows ??= FlowStore.OpenWriter(Path.Combine(flowDirectory, $"as{asNumber}"), new FlowStoreOptions { Durable = false });

    /// <summary>Link testing's live counters: per link, packets of each attack signature.</summary>
    public LinkCounters LinkCounters { get; } = new();

    private readonly Random _marks = new((int)asNumber);

    private bool Marks => ts == "marking" || bts == "marking";

    /// <summary>
    /// Marks the packet as the AS's routers forward it: DPM at the ingress edge router (where the
    /// packet entered from hosts or a neighbour AS, that interface writes one half of its address
    /// into the identification field), or PPM at every router (edge sampling). Returns whether the
    /// AS marks (the packet may have changed).
    /// </summary>
    public bool Mark(IReadOnlyList<(string Router, string From, string To)> hops, byte[] packet)
    {
        var (router, from, _) = hops[0];
        if (!Marks || packet[0] >> 4 != 4)
        {
            return false;
        }
        if (edgeSampling is null)
        {
            DpmIngress.Mark(packet, MarkingAddress($"{router}<-{from}"), _marks);
            return true;
        }
        ushort id = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4));
        foreach (var hop in hops)
        {
            id = edgeSampling.Mark(id, MarkingAddress($"router:{hop.Router}"), _marks);
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        return true;
    }

    /// <summary>The marking system of the AS, as its BTM and DTM: DPM reads its ingress interfaces in the marks, PPM its routers.</summary>
    public IMarkingSystem MarkingSystem() => edgeSampling is null ? new DpmSystem(asNumber, DpmInterfaces())
        : new PpmSystem(asNumber, [.. Routers().Select(r => new PpmRouter(r.Name, MarkingAddress($"router:{r.Name}"), [.. r.Ingress.Select(i => i.From)]))]);

    /// <summary>The edge ingress interfaces a DPM domain marks at: the access router's from hosts, each border router's from its neighbour AS.</summary>
    public IReadOnlyList<DpmInterface> DpmInterfaces() =>
    [
        new(Access, $"{Access}<-{Hosts}", Hosts, MarkingAddress($"{Access}<-{Hosts}")),
        .. _neighbors.Select(n => new DpmInterface($"b{n}", $"b{n}<-as:{n}", $"as:{n}", MarkingAddress($"b{n}<-as:{n}"))),
    ];

    /// <summary>An interface's IPv4 address, distinct per AS and link (a hash: the emulation has no address plan).</summary>
    private uint MarkingAddress(string link) => System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes($"{asNumber}/{link}"));

    public void Neighbor(uint neighbor) => _neighbors.Add(neighbor);

    /// <summary>A packet's way through the AS: the routers it crosses, each with where it came from and where it goes.</summary>
    public void Forward(IReadOnlyList<(string Router, string From, string To)> hops, DigestKeys keys, FlowKey key, byte tos, long ns)
    {
        Forwarded++;
        var digestKey = bts == "digest" || ts == "digest" ? keys.For(scheme) : [];
        var signature = bts == "linktest" || ts == "linktest" ? AttackSignature.Of(keys.Packet) : null;
        foreach (var (router, from, to) in hops)
        {
            if (ts == "digest")
            {
                Digests.Add($"{router}<-{from}", digestKey, ns);
            }
            if (bts == "digest" && from.StartsWith("as:", StringComparison.Ordinal))
            {
                Digests.Add(BorderName($"{router}<-{from}"), digestKey, ns);
            }
            if (bts == "digest" && to.StartsWith("as:", StringComparison.Ordinal))
            {
                Digests.Add(BorderName($"{router}->{to}"), digestKey, ns);
            }
            if (signature is { } s)
            {
                if (ts == "linktest")
                {
                    LinkCounters.Count($"{router}<-{from}", s, ns);
                }
                if (bts == "linktest" && from.StartsWith("as:", StringComparison.Ordinal))
                {
                    LinkCounters.Count(BorderName($"{router}<-{from}"), s, ns);
                }
                if (bts == "linktest" && to.StartsWith("as:", StringComparison.Ordinal))
                {
                    LinkCounters.Count(BorderName($"{router}->{to}"), s, ns);
                }
            }
            if (ts == "flow" || (bts == "flow" && IsBorder(router)))
            {
                Export(router, key, tos, Interface(router, from), Interface(router, to), ns);
            }
        }
    }

    /// <summary>The router's flow cache: one record per flow key, ToS and interfaces; 1 in N packets sampled, counting per router.</summary>
    private void Export(string router, FlowKey key, byte tos, uint ingress, uint egress, long ns)
    {
        long seen = _exportCounters[router] = _exportCounters.GetValueOrDefault(router) + 1;
        if ((seen - 1) % flowSampling != 0)
        {
            return;
        }
        long ms = ns / 1_000_000;
        if (!_exports.TryGetValue(router, out var cache))
        {
            _exports[router] = cache = [];
        }
        var id = (key, tos, ingress, egress);
        var record = cache.TryGetValue(id, out var r) ? r : new FlowRecord
        {
            IpVersion = key.IpVersion, Protocol = key.Protocol, Tos = tos, Source = key.Source, Destination = key.Destination,
            SourcePort = key.SourcePort, DestinationPort = key.DestinationPort, IngressInterface = ingress, EgressInterface = egress,
            SamplingInterval = (uint)flowSampling, StartMs = ms, EndMs = ms,
        };
        record.Packets++;
        record.Octets += 36;
        record.EndMs = Math.Max(record.EndMs, ms);
        cache[id] = record;
    }

    /// <summary>Inserts batched digests and has every router export its flow cache as IPFIX into the AS's collector.</summary>
    public async Task FlushAsync()
    {
        Digests.Flush();
        if (_exports.Count == 0)
        {
            return;
        }
        await using var collector = new FlowCollector(Flows);
        foreach (var (router, cache) in _exports)
        {
            var records = cache.Values.OrderBy(r => r.IpVersion).ToList();
            long exportMs = records.Max(r => r.EndMs) + 1;
            foreach (var message in new IpfixWriter(asNumber).Messages(records, exportMs))
            {
                collector.Receive(message, Exporter(router));
            }
        }
        _exports.Clear();
    }

    /// <summary>Bytes the AS's evidence takes: digest pages, flow store files, link counters.</summary>
    public long StorageBytes(string kind) => kind switch
    {
        "digest" => Digests.Bytes,
        "linktest" => LinkCounters.Bytes,
        "marking" => 0, // the marks travel in the packets
        _ => _flows?.Bytes ?? 0,
    };

    public ILinkEvidence Evidence(string kind) => kind switch
    {
        "flow" => new FlowEvidence(Flows),
        "linktest" => new LinkTestEvidence(LinkCounters, linkTestWindow),
        _ => new DigestEvidence(Digests),
    };

    // A border link's BTS table is kept apart from the router's TS table of the same ingress.
    private static string BorderName(string link) => "bts:" + link;

    private static bool IsBorder(string router) => router[0] == 'b';

    /// <summary>The border links of the BTS: per neighbour, in and out.</summary>
    public IReadOnlyList<BorderLink> BorderLinks() => bts == "flow"
        ? [.. _neighbors.SelectMany(n => new[]
            {
                new BorderLink(FlowLink($"b{n}", $"as:{n}", BorderDirection.In), n, BorderDirection.In),
                new BorderLink(FlowLink($"b{n}", $"as:{n}", BorderDirection.Out), n, BorderDirection.Out),
            })]
        : [.. _neighbors.SelectMany(n => new[]
            {
                new BorderLink(BorderName($"b{n}<-as:{n}"), n, BorderDirection.In),
                new BorderLink(BorderName($"b{n}->as:{n}"), n, BorderDirection.Out),
            })];

    /// <summary>The routers of the TS with their ingress links, as its DTM floods them.</summary>
    public IReadOnlyList<DomainRouter> Routers()
    {
        RouterIngress In(string router, string from) =>
            new(ts == "flow" ? FlowLink(router, from, BorderDirection.In) : $"{router}<-{from}", from);
        return
        [
            .. _neighbors.Select(n => new DomainRouter($"b{n}", [In($"b{n}", Core), In($"b{n}", $"as:{n}")])),
            new DomainRouter(Core, [.. _neighbors.Select(n => In(Core, $"b{n}")), In(Core, Access)]),
            new DomainRouter(Access, [In(Access, Hosts), In(Access, Core)]),
        ];
    }

    /// <summary>Floods start where flows leave (border routers) or end (the access router, at the victim).</summary>
    public IReadOnlyList<string> StartRouters() => [.. _neighbors.Select(n => $"b{n}"), Access];

    private string FlowLink(string router, string peer, BorderDirection direction) =>
        BorderLink.InterfaceLink($"{Exporter(router)}/{Interface(router, peer)}", direction);

    /// <summary>The router's interface index toward a peer (another router, "hosts", or "as:N").</summary>
    private uint Interface(string router, string peer)
    {
        if (router == Access) return peer == Hosts ? 1u : 2u;
        if (router != Core) return peer == Core ? 1u : 2u;
        if (!_coreInterfaces.TryGetValue(peer, out uint index))
        {
            _coreInterfaces[peer] = index = (uint)_coreInterfaces.Count + 1;
        }
        return index;
    }

    /// <summary>The router's export address: 2001:db8:AS:AS::ROUTER (documentation prefix), the router being N for bN.</summary>
    private IPAddress Exporter(string router)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        bytes[0] = 0x20; bytes[1] = 0x01; bytes[2] = 0x0d; bytes[3] = 0xb8;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes[4..], asNumber);
        uint id = router == Access ? 0xFFFF_FFFE : router == Core ? 0xFFFF_FFFF : uint.Parse(router.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes[12..], id);
        return new IPAddress(bytes);
    }

    public void Dispose()
    {
        Digests.Dispose();
        _flows?.Dispose();
    }
}
