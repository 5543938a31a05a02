using System.Buffers.Binary;
using System.Diagnostics;
using InterTrack.Digest;
using InterTrack.Managers;
using InterTrack.Protocol.Model;
using InterTrack.Tracing;

namespace InterTrack.Emulation;

/// <summary>
/// Emulates an attack on an AS topology and traces it with the real managers (ARCHITECTURE.md §7,
/// docs/emulation.md). Data plane: every packet travels its valley-free AS path; inside each AS it
/// enters at the border router facing the previous AS (or the source's access router), crosses
/// the core and leaves at the border router facing the next AS; every router of an AS that runs
/// a digest TS digests it on the ingress link, and border routers of an AS with a BTS digest their
/// border links both ways. Control plane: one ITM per AS with a digest BTM and DTM where deployed
/// and stubs elsewhere, over the in-memory transport (XML on every hop); the victim's ITM traces a
/// sample of the attack packets it received. The RID-style baseline runs the same with every AS
/// finding its ingress by a full intra-domain trace instead of asking a border system.
/// </summary>
public static class Emulator
{
    private const string Core = "core", Access = "acc";

    /// <summary>The emulated Internet after the attack: topology, truth, the digests in every AS, what the victim received.</summary>
    private sealed record Setup(AsGraph Graph, uint Victim, List<uint> Truth, Dictionary<uint, EmulatedAs> Ases,
        List<(byte[] Packet, long Ns)> Received, List<(byte[] Packet, long Ns)> Sample);

    public static async Task<EmulationReport> RunAsync(Scenario scenario, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        progress ??= _ => { };
        var setup = Attack(scenario, progress);
        var (graph, victim, truth, ases, received, sample) = setup;
        bool tls = scenario.Transport == "tls";
        var interTrack = await TraceAsync(graph, victim, sample, truth, ases, baseline: false, tls, cancellationToken).ConfigureAwait(false);
        progress($"InterTrack: {interTrack.OriginAses.Count} origin ASes, recall {interTrack.Recall:F2}, precision {interTrack.Precision:F2}, {interTrack.Messages} messages");
        var rid = await TraceAsync(graph, victim, sample, truth, ases, baseline: true, tls, cancellationToken).ConfigureAwait(false);
        progress($"baseline: {rid.OriginAses.Count} origin ASes, recall {rid.Recall:F2}, precision {rid.Precision:F2}, {rid.Messages} messages");
        foreach (var e in ases.Values)
        {
            e.Digests.Dispose();
        }
        return new EmulationReport(victim, truth, graph.Count, received.Count, sample.Count, interTrack, rid);
    }

    /// <summary>The attacked network for <see cref="EmulationServer"/>: topology, victim, truth, every AS's digests, what the victim received.</summary>
    internal static (AsGraph Graph, uint Victim, List<uint> Truth, Dictionary<uint, EmulatedAs> Ases, List<(byte[] Packet, long Ns)> Received)
        AttackForServing(Scenario scenario, Action<string> progress)
    {
        var setup = Attack(scenario, progress);
        return (setup.Graph, setup.Victim, setup.Truth, setup.Ases, setup.Received);
    }

    /// <summary>InterTrack's ITMs (no counting) for a served network.</summary>
    internal static Func<uint, ItmParts> InterTrackItms(Dictionary<uint, EmulatedAs> ases) => ItmFactory(ases, baseline: false, () => { }, () => { });

    private static Setup Attack(Scenario scenario, Action<string> progress)
    {
        scenario.Validate();
        var random = new Random(scenario.Seed);
        var graph = scenario.Topology.AsRel is { } path ? CaidaFormat.Read(path) : TopologyGenerator.Generate(scenario.Topology.Generate!.Ases, scenario.Seed).Graph;
        var all = graph.Ases.ToList();
        uint victim = scenario.Victim.As ?? Pick(random, all.Where(a => graph.Customers(a).Count == 0).ToList(), 1)[0];
        if (!graph.Contains(victim))
        {
            throw new FormatException($"victim.as: AS{victim} is not in the topology");
        }
        var attackers = Attackers(scenario, graph, victim, random);
        progress($"topology: {graph.Count} ASes, {graph.LinkCount} relationships; victim AS{victim}; {attackers.Count} attacker ASes");

        var routes = ValleyFreeRouting.RoutesTo(graph, victim);
        var (hasBts, hasTs) = Deployment(scenario, all, random);
        var ases = new Dictionary<uint, EmulatedAs>();
        EmulatedAs At(uint a) => ases.TryGetValue(a, out var e) ? e : ases[a] = new EmulatedAs(a, hasBts.Contains(a), hasTs.Contains(a));

        long t0 = TimeVal.ToNs(DateTimeOffset.UtcNow) - 1_000_000_000;
        var received = new List<(byte[] Packet, long Ns)>();
        int sequence = 0;
        foreach (var (attacker, hosts) in attackers)
        {
            var asPath = ValleyFreeRouting.Path(routes, attacker);
            for (int i = 0; i < scenario.PacketsPerAttacker * hosts; i++)
            {
                received.Add(Forward(asPath, Packet(random, sequence++, 53), t0 + sequence * 1000L, At));
            }
        }
        var bystanders = all.Where(a => a != victim && !attackers.ContainsKey(a)).ToList();
        for (int i = 0; i < scenario.BackgroundPackets && bystanders.Count > 0; i++)
        {
            var asPath = ValleyFreeRouting.Path(routes, bystanders[random.Next(bystanders.Count)]);
            Forward(asPath, Packet(random, sequence++, 443), t0 + sequence * 1000L, At);
        }
        foreach (var e in ases.Values)
        {
            e.Digests.Flush();
        }
        progress($"data plane: {received.Count} attack and {scenario.BackgroundPackets} background packets forwarded through {ases.Count} ASes");

        var sample = received.OrderBy(_ => random.Next()).Take(scenario.TracedPackets).ToList();
        return new Setup(graph, victim, [.. attackers.Keys.Order()], ases, received, sample);
    }

    private static async Task<MethodResult> TraceAsync(AsGraph graph, uint victim, List<(byte[] Packet, long Ns)> sample, List<uint> truth,
        Dictionary<uint, EmulatedAs> ases, bool baseline, bool tls, CancellationToken cancellationToken)
    {
        long domainTraces = 0, borderQueries = 0;
        var build = ItmFactory(ases, baseline, () => Interlocked.Increment(ref domainTraces), () => Interlocked.Increment(ref borderQueries));
        using var ca = tls ? EmulationCa() : null;
        await using var network = tls ? TlsNetwork.Start(graph, [.. ases.Keys.Append(victim).Distinct()], build, ca!, victimDPoint: victim)
            : (IEmulatedNetwork)new MemoryNetwork(graph, build);
        if (tls)
        {
            // Over TLS the victim's Traceback Client goes through its D Point, as a deployed victim would.
            var started = Stopwatch.StartNew();
            var traced = await TraceThroughDPointAsync(victim, ca!, ((TlsNetwork)network).ItmPorts[victim], sample, cancellationToken).ConfigureAwait(false);
            return Result(traced, truth, network, domainTraces, borderQueries, started.Elapsed.TotalMilliseconds);
        }
        var victimItm = network.Itm(victim);
        var footmarks = sample.Select(p => EvidencePackets.ToFootmark(p.Packet, p.Ns)).ToList();
        var request = new ItmTraceRequest(NeighborNode.ForItm(victim), victimItm!.NewMessageId(), 64, ItmPathList.Empty,
            EvidencePackets.ToEvidence(footmarks, TimeVal.FromDateTimeOffset(DateTimeOffset.UtcNow)));
        var clock = Stopwatch.StartNew();
        var outcome = await victimItm.TraceAsync(request, fromOwnDPoint: true, cancellationToken).ConfigureAwait(false);
        double elapsed = clock.Elapsed.TotalMilliseconds;
        var view = TraceResultView.From(request.MessageId, new AllResultExport(request, outcome.Reply));
        return Result(view, truth, network, domainTraces, borderQueries, elapsed);
    }

    private static MethodResult Result(TraceResultView view, List<uint> truth, IEmulatedNetwork network, long domainTraces, long borderQueries, double elapsed)
    {
        var found = view.OriginAses.ToHashSet();
        int hits = truth.Count(found.Contains);
        return new MethodResult(view.OriginAses.Order().ToList(), view.AsPaths, network.Messages, network.Bytes, domainTraces, borderQueries, elapsed,
            truth.Count == 0 ? 1 : hits / (double)truth.Count, found.Count == 0 ? 0 : hits / (double)found.Count,
            [.. view.Ases.Where(v => v.Status is AsStatus.Unknown or AsStatus.Busy || v.State == TraceState.Error).Select(v => v.As).Order()]);
    }

    private static async Task<TraceResultView> TraceThroughDPointAsync(uint victim, Pki.CertificateAuthority ca, int itmPort,
        List<(byte[] Packet, long Ns)> sample, CancellationToken cancellationToken)
    {
        string database = Path.Combine(Path.GetTempPath(), $"intertrack-emulation-{Guid.NewGuid():N}.db");
        try
        {
            await using var dpoint = new VictimDPoint(victim, ca, itmPort, database, legacyPort: null);
            var client = new Pki.NodeIdentity(victim, NodeRole.Client);
            using var credentials = Transport.TlsCredentials.Issue(ca, client, TimeSpan.FromDays(1));
            await using var connection = await Transport.MessageClient.ConnectTlsAsync("127.0.0.1", dpoint.Endpoint.Port,
                new Pki.NodeIdentity(victim, NodeRole.DPoint), credentials,
                new Transport.TransportOptions { Limits = new Protocol.ProtocolLimits { MaxMessageBytes = 64 << 20, MaxFootmarks = 100_000, MaxAses = 1_000_000 } },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return await TracebackClient.TraceAsync(connection, client.ToNodeId(), new Pki.NodeIdentity(victim, NodeRole.DPoint).ToNodeId(),
                sample, _ => { }, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(database);
        }
    }

    /// <summary>The parts of an AS's ITM: digest BTM and DTM where deployed, stubs elsewhere; or, for the baseline, a domain trace in place of the BTM.</summary>
    private static Func<uint, ItmParts> ItmFactory(Dictionary<uint, EmulatedAs> ases, bool baseline, Action domainTrace, Action borderQuery)
    {
        var tolerance = TimeSpan.FromSeconds(5);
        return a =>
        {
            var settings = new ItmSettings(a)
            {
                TraceTimeout = TimeSpan.FromMinutes(5),
                ComponentTimeout = TimeSpan.FromMinutes(1),
                NeighborRateLimit = 1e9,
            };
            ases.TryGetValue(a, out var e);
            IBtmClient btm = e is { Bts: true } && !baseline ? new CountedBtm(new BorderBtm(a, e.BorderLinks(), new DigestEvidence(e.Digests), tolerance), borderQuery) : new StubBtm(a);
            IDtmClient dtm = new StubDtm(a);
            if (e is { Ts: true })
            {
                var domain = new FloodDtm(a, e.Routers(), new DigestEvidence(e.Digests), tolerance, e.StartRouters());
                dtm = new CountedDtm(domain, domainTrace);
                if (baseline)
                {
                    btm = new RidBaselineBtm(a, domain, domainTrace);
                }
            }
            return new ItmParts(settings, btm, baseline ? [] : [dtm]);
        };
    }

    internal static Pki.CertificateAuthority EmulationCa()
    {
        var now = DateTimeOffset.UtcNow;
        return Pki.CertificateAuthority.Create("InterTrack emulation", now.AddMinutes(-5), now.AddDays(7));
    }

    /// <summary>Sends one packet along the AS path, digesting it at every router it crosses; returns it as the victim receives it.</summary>
    private static (byte[], long) Forward(IReadOnlyList<uint> asPath, byte[] packet, long ns, Func<uint, EmulatedAs> at)
    {
        var invariant = new byte[PacketInvariant.MaxLength];
        var key = invariant.AsSpan(0, PacketInvariant.FromIp(packet, invariant)).ToArray();
        for (int i = 0; i < asPath.Count; i++)
        {
            var e = at(asPath[i]);
            long t = ns + i * 2_000_000L; // 2 ms per AS
            string entered = i == 0 ? Access : Border(asPath[i - 1]);
            if (i == 0) e.Digest(Access + "<-hosts", key, t, internalLink: true);
            else
            {
                e.Digest($"{entered}<-as:{asPath[i - 1]}", key, t, internalLink: true);
                e.Digest($"{entered}<-as:{asPath[i - 1]}", key, t, internalLink: false);
                e.Neighbor(asPath[i - 1]);
            }
            e.Digest($"{Core}<-{entered}", key, t, internalLink: true);
            if (i + 1 < asPath.Count)
            {
                string exit = Border(asPath[i + 1]);
                e.Neighbor(asPath[i + 1]);
                e.Digest($"{exit}<-{Core}", key, t, internalLink: true);
                e.Digest($"{exit}->as:{asPath[i + 1]}", key, t, internalLink: false);
            }
            else
            {
                e.Digest($"{Access}<-{Core}", key, t, internalLink: true); // delivered to the victim
            }
            packet[8] = (byte)Math.Max(1, packet[8] - 1); // TTL, as a router would
        }
        return (packet, ns + asPath.Count * 2_000_000L);
    }

    private static string Border(uint neighbor) => $"b{neighbor}";

    /// <summary>A UDP packet from a random forged source (198.18.0.0/15) to the victim's address, distinct by its id and payload.</summary>
    private static byte[] Packet(Random random, int sequence, ushort port)
    {
        var p = new byte[36];
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), 36);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)sequence);
        p[8] = 64;
        p[9] = 17;
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(12), 0xC6120000u | (uint)random.Next(0x20000));
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(16), 0xCB007107u); // 203.0.113.7
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(20), (ushort)random.Next(1024, 65536));
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(22), port);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(24), 16);
        BinaryPrimitives.WriteInt32BigEndian(p.AsSpan(28), sequence);
        return p;
    }

    private static Dictionary<uint, int> Attackers(Scenario scenario, AsGraph graph, uint victim, Random random)
    {
        var attackers = new Dictionary<uint, int>();
        foreach (var spec in scenario.Attackers.Where(s => s.As is not null))
        {
            if (!graph.Contains(spec.As!.Value) || spec.As == victim)
            {
                throw new FormatException($"attackers: AS{spec.As} is {(spec.As == victim ? "the victim" : "not in the topology")}");
            }
            attackers[spec.As.Value] = attackers.GetValueOrDefault(spec.As.Value) + spec.Hosts;
        }
        int wanted = scenario.Attackers.Sum(s => s.Count ?? 0);
        var candidates = graph.Ases.Where(a => a != victim && !attackers.ContainsKey(a)).ToList();
        foreach (uint a in Pick(random, candidates, Math.Min(wanted, candidates.Count)))
        {
            attackers[a] = 1;
        }
        return attackers;
    }

    private static (HashSet<uint> Bts, HashSet<uint> Ts) Deployment(Scenario scenario, List<uint> ases, Random random)
    {
        var shuffled = ases.OrderBy(_ => random.Next()).ToList();
        var bts = shuffled.Take((int)Math.Round(scenario.Deployment.Bts * ases.Count)).ToHashSet();
        var ts = scenario.Deployment.Ts == "digest" ? ases.ToHashSet() : [];
        foreach (var (asText, o) in scenario.Deployment.Overrides)
        {
            uint a = uint.Parse(asText, System.Globalization.CultureInfo.InvariantCulture);
            if (o.Bts is { } b) { if (b) bts.Add(a); else bts.Remove(a); }
            if (o.Ts is { } t) { if (t == "digest") ts.Add(a); else ts.Remove(a); }
        }
        return (bts, ts);
    }

    private static List<uint> Pick(Random random, List<uint> from, int count) => [.. from.OrderBy(_ => random.Next()).Take(count)];

    private sealed class CountedBtm(IBtmClient inner, Action counted) : IBtmClient
    {
        public Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
        {
            counted();
            return inner.TraceAsync(request, cancellationToken);
        }
    }

    private sealed class CountedDtm(IDtmClient inner, Action counted) : IDtmClient
    {
        public Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken)
        {
            counted();
            return inner.TraceAsync(request, cancellationToken);
        }
    }
}
