using System.Buffers.Binary;
using System.Net;
using InterTrack.Flow.Export;
using InterTrack.Flow.Store;
using InterTrack.Node.Kinds;
using InterTrack.Node.Managers;
using InterTrack.Node.Tracing;

namespace InterTrack.Flow;

/// <summary>
/// Flow records in an emulated AS: as its traceback system inside, every router exports IPFIX
/// (1 in <paramref name="sampling"/> packets); as its border system, its border routers. The
/// export messages are encoded to bytes and decoded by the same collector code a deployed AS
/// runs, into a flow store in <paramref name="directory"/>.
/// </summary>
internal sealed class EmulatedFlows(EmulatedDomain domain, int sampling, string directory, bool ts, bool bts) : IEmulatedSystem
{
    private readonly Dictionary<string, uint> _coreInterfaces = new(StringComparer.Ordinal) { [EmulatedDomain.Access] = 1 };
    private readonly Dictionary<string, Dictionary<(FlowKey, byte, uint, uint), FlowRecord>> _exports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _exportCounters = new(StringComparer.Ordinal);
    private FlowStore? _flows;

    // Thrown away with the emulation: nothing to force to disk.
    private FlowStore Flows => _flows ??= FlowStore.OpenWriter(Path.Combine(directory, $"as{domain.AsNumber}"), new FlowStoreOptions { Durable = false });

    public long StorageBytes => _flows?.Bytes ?? 0;

    public void Record(IReadOnlyList<EmulatedHop> hops, byte[] packet, long ns)
    {
        var (key, tos) = FlowKey.OfPacket(packet)!.Value;
        foreach (var hop in hops)
        {
            if (ts || (bts && EmulatedDomain.IsBorder(hop.Router)))
            {
                Export(hop.Router, key, tos, Interface(hop.Router, hop.From), Interface(hop.Router, hop.To), ns);
            }
        }
    }

    /// <summary>The router's flow cache: one record per flow key, ToS and interfaces; 1 in N packets sampled, counting per router.</summary>
    private void Export(string router, FlowKey key, byte tos, uint ingress, uint egress, long ns)
    {
        long seen = _exportCounters[router] = _exportCounters.GetValueOrDefault(router) + 1;
        if ((seen - 1) % sampling != 0)
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
            SamplingInterval = (uint)sampling, StartMs = ms, EndMs = ms,
        };
        record.Packets++;
        record.Octets += 36;
        record.EndMs = Math.Max(record.EndMs, ms);
        cache[id] = record;
    }

    /// <summary>Has every router export its flow cache as IPFIX into the AS's collector.</summary>
    public async Task FlushAsync()
    {
        if (_exports.Count == 0)
        {
            return;
        }
        await using var collector = new FlowCollector(Flows);
        foreach (var (router, cache) in _exports)
        {
            var records = cache.Values.OrderBy(r => r.IpVersion).ToList();
            long exportMs = records.Max(r => r.EndMs) + 1;
            foreach (var message in new IpfixWriter(domain.AsNumber).Messages(records, exportMs))
            {
                collector.Receive(message, Exporter(router));
            }
        }
        _exports.Clear();
    }

    public IBtmClient Btm(TimeSpan tolerance) =>
        new BorderBtm(domain.AsNumber, domain.BorderLinks(FlowLink), new FlowEvidence(Flows), tolerance);

    public IDtmClient Dtm(TimeSpan tolerance) =>
        new FloodDtm(domain.AsNumber, domain.Routers((router, from) => FlowLink(router, from, BorderDirection.In)), new FlowEvidence(Flows), tolerance,
        domain.StartRouters());

    private string FlowLink(string router, string peer, BorderDirection direction) =>
        BorderLink.InterfaceLink($"{Exporter(router)}/{Interface(router, peer)}", direction);

    /// <summary>The router's interface index toward a peer (another router, hosts, or "as:N").</summary>
    private uint Interface(string router, string peer)
    {
        if (router == EmulatedDomain.Access) return peer == EmulatedDomain.Hosts ? 1u : 2u;
        if (router != EmulatedDomain.Core) return peer == EmulatedDomain.Core ? 1u : 2u;
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
        BinaryPrimitives.WriteUInt32BigEndian(bytes[4..], domain.AsNumber);
        uint id = router == EmulatedDomain.Access ? 0xFFFF_FFFE : router == EmulatedDomain.Core ? 0xFFFF_FFFF
            : uint.Parse(router.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[12..], id);
        return new IPAddress(bytes);
    }

    public void Dispose() => _flows?.Dispose();

    /// <summary>Flow records in one scenario: the sampling, and the temporary directory of the ASes' flow stores (deleted with the model).</summary>
    internal sealed class Model(int sampling) : IEmulationModel
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), $"intertrack-emulation-flows-{Guid.NewGuid():N}");

        public bool Rewrites => false;
        public bool SpoiledByRewriting => false; // flow keys are addresses and ports, which marks leave alone
        public string PacketsNeeded => "1";
        public string AttackMustLast => "no";

        public IEmulatedSystem ForAs(EmulatedDomain domain, bool ts, bool bts) => new EmulatedFlows(domain, sampling, _directory, ts, bts);

        public void Dispose()
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // nothing was exported
            }
        }
    }
}
