using System.Buffers.Binary;
using System.Diagnostics;
using InterTrack.Emulation;
using InterTrack.Node.Client;
using InterTrack.Node.Kinds;
using InterTrack.Node.Managers;
using InterTrack.Node.Topology;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Emulation;

/// <summary>
/// Emulates an attack on an AS topology and traces it with the real managers (docs/emulation.md).
/// Data plane: every packet travels its valley-free AS path; inside each AS it enters at the
/// border router facing the previous AS (or the source's access router), crosses the core and
/// leaves at the border router facing the next AS, and the systems the AS runs record it, each
/// as its kind models it (<see cref="IEmulatedKind"/>). Control plane: one ITM per AS with a
/// BTM and a DTM over its own kind of evidence, stubs where it runs nothing, over the in-memory
/// transport (XML on every hop) or mutual TLS; the victim traces a sample of the attack packets
/// it received. The RID-style baseline runs the same with every AS finding its ingress by a full
/// intra-domain trace instead of asking a border system.
/// </summary>
public static class Emulator
{
    /// <param name="kinds">The kinds of traceback system the scenario's shares name.</param>
    public static async Task<EmulationReport> RunAsync(Scenario scenario, KindRegistry kinds, Action<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        progress ??= _ => { };
        using var net = await AttackAsync(scenario, kinds, progress).ConfigureAwait(false);
        bool tls = scenario.Transport == "tls";
        var interTrack = await TraceAsync(net, baseline: false, tls, cancellationToken).ConfigureAwait(false);
        progress($"InterTrack: {interTrack.OriginAses.Count} origin ASes, recall {interTrack.Recall:F2}, precision {interTrack.Precision:F2}, " +
            $"{interTrack.Messages} messages");
        var rid = await TraceAsync(net, baseline: true, tls, cancellationToken).ConfigureAwait(false);
        progress($"baseline: {rid.OriginAses.Count} origin ASes, recall {rid.Recall:F2}, precision {rid.Precision:F2}, {rid.Messages} messages");
        return new EmulationReport(net.Victim, net.Truth, net.Graph.Count, net.Received.Count, net.Sample.Count, interTrack, rid)
        {
            ReachableAttackerAses = net.Reachable,
            DeployedAttackerAses = [.. net.Truth.Where(net.Deployed)],
            Systems = SystemFigures(net, interTrack),
            ReflectorAses = net.Reflectors,
            Amplification = net.Amplification,
        };
    }

    /// <summary>InterTrack's ITMs (no counting) for a served network.</summary>
    internal static Func<uint, ItmParts> InterTrackItms(AttackedInternet net) => ItmFactory(net, baseline: false, new Accounting());

    internal static async Task<AttackedInternet> AttackAsync(Scenario scenario, KindRegistry kinds, Action<string> progress)
    {
        scenario = scenario.Resolve(kinds);
        var models = scenario.Validate(kinds);
        var random = new Random(scenario.Seed);
        var graph = scenario.Topology.AsRel is { } path ? CaidaFormat.Read(path)
            : TopologyModels.Generate(scenario.Topology.Generate!.Model, scenario.Topology.Generate.Ases, scenario.Seed);
        var all = graph.Ases.ToList();
        uint victim = scenario.Victim.As ?? Pick(random, all.Where(a => graph.Customers(a).Count == 0).ToList(), 1)[0];
        if (!graph.Contains(victim))
        {
            throw new FormatException($"victim.as: AS{victim} is not in the topology");
        }
        var attackers = Attackers(scenario, graph, victim, random);
        progress($"topology: {graph.Count} ASes, {graph.LinkCount} relationships; victim AS{victim}; {attackers.Count} attacker ASes");

        var routes = ValleyFreeRouting.RoutesTo(graph, victim);
        var (btsKind, tsKind) = Deployment(scenario, graph, all, random, kinds);
        const string None = KindRegistry.None;
        if (btsKind.GetValueOrDefault(victim, None) == None && tsKind.GetValueOrDefault(victim, None) == None)
        {
            btsKind[victim] = tsKind[victim] = kinds.Default.Name; // the victim traces: its AS runs InterTrack
        }
        bool Deployed(uint a) => btsKind.GetValueOrDefault(a, None) != None || tsKind.GetValueOrDefault(a, None) != None;
        var ases = new Dictionary<uint, EmulatedAs>();
        EmulatedAs At(uint a) => ases.TryGetValue(a, out var e) ? e : ases[a] = new EmulatedAs(a, btsKind.GetValueOrDefault(a, None),
            tsKind.GetValueOrDefault(a, None), models);

        // The attack's packets: from one second before the trace, or earlier when the scenario says the attack has ended.
        long t0 = TimeVal.ToNs(DateTimeOffset.UtcNow) - 1_000_000_000 - (long)(scenario.AttackEndedSecondsAgo * 1e9);
        var received = new List<(byte[] Packet, long Ns)>();
        var reachable = new List<uint>();
        int sequence = 0;
        var reflectors = scenario.Reflection?.Pick(graph, victim, attackers.Keys, random) ?? [];
        long requestBytes = 0, responseBytes = 0;
        bool Traceable(IReadOnlyList<uint> asPath) => asPath.All(Deployed) && MarksSpareEvidence(asPath,
            a => [.. new[] { btsKind.GetValueOrDefault(a, None), tsKind.GetValueOrDefault(a, None) }.Where(k => k != None).Select(k => models[k])]);
        if (scenario.Reflection is { } reflection)
        {
            var protocols = reflection.Protocols();
            var toReflector = reflectors.ToDictionary(r => r, r => ValleyFreeRouting.RoutesTo(graph, r));
            foreach (var (attacker, hosts) in attackers)
            {
                // Each attacker sprays its requests over every reflector; the responses take the reflector's route to the victim.
                if (reflectors.Any(r => Traceable(ValleyFreeRouting.Path(toReflector[r], attacker)) && Traceable(ValleyFreeRouting.Path(routes, r))))
                {
                    reachable.Add(attacker);
                }
                for (int i = 0; i < scenario.PacketsPerAttacker * hosts; i++)
                {
                    uint reflector = reflectors[i % reflectors.Count];
                    var (request, response) = ReflectedExchange.Of(protocols[i / reflectors.Count % protocols.Count], reflector, random, sequence++);
                    (requestBytes, responseBytes) = (requestBytes + request.Length, responseBytes + response.Length);
                    var (_, arrived) = Forward(ValleyFreeRouting.Path(toReflector[reflector], attacker), request, t0 + sequence * 1000L, At);
                    received.Add(Forward(ValleyFreeRouting.Path(routes, reflector), response, arrived, At));
                }
            }
        }
        else
        {
            foreach (var (attacker, hosts) in attackers)
            {
                var asPath = ValleyFreeRouting.Path(routes, attacker);
                if (Traceable(asPath))
                {
                    reachable.Add(attacker);
                }
                var noticing = SendsNotices(scenario) ? NoticingHops(graph, asPath, Deployed) : null;
                for (int i = 0; i < scenario.PacketsPerAttacker * hosts; i++)
                {
                    received.Add(Forward(asPath, Packet(random, sequence++, 53), t0 + sequence * 1000L, At, noticing));
                }
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
            await e.FlushAsync().ConfigureAwait(false);
        }
        progress($"data plane: {received.Count} attack and {scenario.BackgroundPackets} background packets forwarded through {ases.Count} ASes; " +
            $"systems: TS {scenario.Deployment.Ts}, BTS {scenario.Deployment.Bts}");

        var sample = received.OrderBy(_ => random.Next()).Take(scenario.TracedPackets).ToList();
        return new AttackedInternet(graph, victim, (scenario.Deployment.SkipOver, scenario.Deployment.SkipOverBound, SendsNotices(scenario)),
            [.. attackers.Keys.Order()], ases,
            received, sample, [.. reachable.Order()],
            Deployed, models) { Reflectors = reflectors, Amplification = requestBytes == 0 ? 0 : responseBytes / (double)requestBytes };
    }

    private static async Task<MethodResult> TraceAsync(AttackedInternet net, bool baseline, bool tls, CancellationToken cancellationToken)
    {
        var (graph, victim, sample, truth, ases) = (net.Graph, net.Victim, net.Sample, net.Truth, net.Ases);
        var accounting = new Accounting();
        var build = ItmFactory(net, baseline, accounting);
        using var ca = tls ? EmulationCa() : null;
        await using var network = tls ? TlsNetwork.Start(net.Running, build, ca!, victimDPoint: victim)
            : (IEmulatedNetwork)new MemoryNetwork(graph, build);
        await SendSpoofNoticesAsync(net, network, cancellationToken).ConfigureAwait(false);
        if (tls)
        {
            // Over TLS the victim's Traceback Client goes through its D Point, as a deployed victim would.
            var started = Stopwatch.StartNew();
            var traced = await TraceThroughDPointAsync(victim, ca!, ((TlsNetwork)network).ItmPorts[victim], sample, cancellationToken).ConfigureAwait(false);
            return Result(traced, truth, network, accounting, started.Elapsed.TotalMilliseconds);
        }
        var victimItm = network.Itm(victim);
        var footmarks = sample.Select(p => EvidencePackets.ToFootmark(p.Packet, p.Ns)).ToList();
        var request = new ItmTraceRequest(NeighborNode.ForItm(victim), victimItm!.NewMessageId(), 64, ItmPathList.Empty,
            EvidencePackets.ToEvidence(footmarks, TimeVal.FromDateTimeOffset(DateTimeOffset.UtcNow)));
        var clock = Stopwatch.StartNew();
        var outcome = await victimItm.TraceAsync(request, fromOwnDPoint: true, cancellationToken).ConfigureAwait(false);
        double elapsed = clock.Elapsed.TotalMilliseconds;
        var view = TraceResultView.From(request.MessageId, new AllResultExport(request, outcome.Reply));
        return Result(view, truth, network, accounting, elapsed);
    }

    /// <summary>
    /// Has every AS that noticed the attack's spoofing send its notices to the victim's ITM, as it would while the attack goes on,
    /// and waits until they have arrived (over TLS they are one-way messages); returns how many were sent.
    /// </summary>
    internal static async Task<int> SendSpoofNoticesAsync(AttackedInternet net, IEmulatedNetwork network, CancellationToken cancellationToken)
    {
        var notices = net.Ases.Values.Where(e => e.AsNumber != net.Victim).SelectMany(e => e.SpoofNotices).ToList();
        var victim = network.Itm(net.Victim);
        int before = victim.Notices.Count;
        foreach (var notice in notices)
        {
            await network.Itm(notice.Notifier).NotifyAsync(net.Victim, notice, cancellationToken).ConfigureAwait(false);
        }
        var waited = Stopwatch.StartNew();
        int expected = Math.Min(before + notices.Count, SpoofNoticeBoard.DefaultCapacity); // a full board keeps no more
        while (victim.Notices.Count < expected && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
        return notices.Count;
    }

    private static MethodResult Result(TraceResultView view, IReadOnlyList<uint> truth, IEmulatedNetwork network, Accounting accounting, double elapsed)
    {
        var found = view.OriginAses.ToHashSet();
        int hits = truth.Count(found.Contains);
        return new MethodResult(view.OriginAses.Order().ToList(), view.AsPaths, network.Messages, network.Bytes, accounting.DomainTraces,
            accounting.BorderQueries, elapsed,
            truth.Count == 0 ? 1 : hits / (double)truth.Count, found.Count == 0 ? 0 : hits / (double)found.Count,
            [.. view.Ases.Where(v => v.Status is AsStatus.Unknown or AsStatus.Busy || v.State == TraceState.Error).Select(v => v.As).Order()])
        {
            AsesAsked = network.AsesAsked,
            ReflectorAses = [.. view.Ases.Where(v => v.Status == AsStatus.Amplifier).Select(v => v.As).Distinct().Order()],
            Queries = accounting.Snapshot(),
            AsSystems = view.Ases.GroupBy(a => a.As).ToDictionary(g => g.Key, g => g.First().TsType),
            CandidateSets = truth.ToDictionary(a => a, a => found.Contains(a) ? 1
                : view.Ases.Where(v => v.CandidateCount > 0 && v.Candidates.Contains(a)).Select(v => (int?)v.CandidateCount).Min()),
        };
    }

    /// <summary>Per kind of system: ASes running it, its queries and their degrees (InterTrack's run), and its storage per packet forwarded.</summary>
    private static IReadOnlyList<SystemFigures> SystemFigures(AttackedInternet net, MethodResult interTrack) =>
    [
        .. net.Models.Select(m =>
        {
            var (kind, model) = (m.Key, m.Value);
            var running = net.Ases.Values.Where(e => e.Ts == kind || e.Bts == kind).ToList();
            long forwarded = running.Sum(e => e.Forwarded), bytes = running.Sum(e => e.StorageBytes(kind));
            var queries = interTrack.Queries.Where(q => q.Kind == kind).ToList();
            return new SystemFigures(kind, net.Ases.Values.Count(e => e.Ts == kind), net.Ases.Values.Count(e => e.Bts == kind),
                queries.Count(q => q.Role == "btm"), queries.Count(q => q.Role == "dtm"),
                [.. queries.Where(q => q.Saw).GroupBy(q => Math.Min(100, q.Degree / 10 * 10)).OrderBy(g => g.Key).Select(g => new DegreeCount(g.Key,
                g.Count()))],
                bytes, forwarded == 0 ? 0 : bytes / (double)forwarded,
                model.PacketsNeeded, model.AttackMustLast);
        }),
    ];

    private static async Task<TraceResultView> TraceThroughDPointAsync(uint victim, Node.Pki.CertificateAuthority ca, int itmPort,
        List<(byte[] Packet, long Ns)> sample, CancellationToken cancellationToken)
    {
        string database = Path.Combine(Path.GetTempPath(), $"intertrack-emulation-{Guid.NewGuid():N}.db");
        try
        {
            await using var dpoint = new VictimDPoint(victim, ca, itmPort, database);
            var client = new Node.Pki.NodeIdentity(victim, NodeRole.Client);
            using var credentials = Node.Transport.TlsCredentials.Issue(ca, client, TimeSpan.FromDays(1));
            await using var connection = await Node.Transport.MessageClient.ConnectTlsAsync("127.0.0.1", dpoint.Endpoint.Port,
                new Node.Pki.NodeIdentity(victim, NodeRole.DPoint), credentials,
                new Node.Transport.TransportOptions { Limits = new Protocol.ProtocolLimits { MaxMessageBytes = 64 << 20, MaxFootmarks = 100_000,
                MaxAses = 1_000_000 } },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return await TracebackClient.TraceAsync(connection, client.ToNodeId(), new Node.Pki.NodeIdentity(victim, NodeRole.DPoint).ToNodeId(),
                sample, _ => { }, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(database);
        }
    }

    /// <summary>
    /// The parts of an AS's ITM: its BTM and DTM over the evidence its systems keep, stubs where it runs none; or, for
    /// the baseline, a domain trace in place of the BTM.
    /// </summary>
    private static Func<uint, ItmParts> ItmFactory(AttackedInternet net, bool baseline, Accounting accounting)
    {
        var tolerance = TimeSpan.FromSeconds(5);
        // One for all ITMs: the routes to the victim are computed once.
        var skipOver = new SkipOverSettings(net.Graph, net.Deployed)
        {
            Ask = net.SkipOver, MaxTargets = net.SkipOverBound, SendsNotices = a => net.SpoofNotices && net.Deployed(a),
        };
        return a =>
        {
            var settings = new ItmSettings(a)
            {
                TraceTimeout = TimeSpan.FromMinutes(5),
                ComponentTimeout = TimeSpan.FromMinutes(1),
                NeighborRateLimit = 1e9,
                SkipOver = skipOver,
            };
            net.Ases.TryGetValue(a, out var e);
            IBtmClient btm = e?.BtsSystem is { } border && !baseline ? new CountedBtm(border.Btm(tolerance), e.Bts, accounting) : new StubBtm(a);
            IDtmClient dtm = new StubDtm(a);
            if (e?.TsSystem is { } inside)
            {
                var domain = inside.Dtm(tolerance);
                dtm = new CountedDtm(domain, e.Ts, accounting);
                if (baseline)
                {
                    // The baseline has no border systems: a flood through the domain stands in, unless the system inside answers for the border itself (marks).
                    btm = inside.BaselineBtm(tolerance) is { } own ? new CountedBtm(own, e.Ts, accounting)
                        : domain is FloodDtm flood ? new RidBaselineBtm(a, flood, () => accounting.Count(e.Ts, "dtm", 100, true))
                        : new StubBtm(a);
                }
            }
            else if (baseline && e?.BtsSystem?.BaselineBtm(tolerance) is { } own)
            {
                btm = new CountedBtm(own, e.Bts, accounting);
            }
            return new ItmParts(settings, btm, baseline ? [] : [dtm]);
        };
    }

    internal static Node.Pki.CertificateAuthority EmulationCa()
    {
        var now = DateTimeOffset.UtcNow;
        return Node.Pki.CertificateAuthority.Create("InterTrack emulation", now.AddMinutes(-5), now.AddDays(7));
    }

    /// <summary>
    /// Whether deployed ASes send spoofing notices: only skip-over uses them, so without it they would be cost alone.
    /// Reflection sends none: the forged requests carry the victim's own address, which its AS may send, and the answers are not spoofed.
    /// </summary>
    private static bool SendsNotices(Scenario scenario) => scenario.Deployment.SpoofNotices && scenario.Deployment.SkipOver && scenario.Reflection is null;

    /// <summary>
    /// Where on an attack's AS path a border notices the spoofing (docs/protocol.md, "Spoofing notices"): a deployed AS whose hosts
    /// send the packets, or that gets them from a customer or a peer, whose sources may only lie in its customer cone. The attack's
    /// sources (198.18.0.0/15) lie in no AS's: every such border notices. From a provider any source may come.
    /// </summary>
    private static bool[] NoticingHops(AsGraph graph, IReadOnlyList<uint> asPath, Func<uint, bool> deployed) =>
    [
        .. asPath.Select((a, i) => deployed(a) && (i == 0 || graph.Customers(a).Contains(asPath[i - 1]) || graph.Peers(a).Contains(asPath[i - 1]))),
    ];

    /// <summary>
    /// Sends one packet along the AS path through each AS's routers, where their systems record it (and, where <paramref name="noticing"/>,
    /// its border notices the spoofing); returns it as the victim receives it.
    /// </summary>
    private static (byte[], long) Forward(IReadOnlyList<uint> asPath, byte[] packet, long ns, Func<uint, EmulatedAs> at, bool[]? noticing = null)
    {
        var hops = new List<EmulatedHop>(3);
        for (int i = 0; i < asPath.Count; i++)
        {
            var e = at(asPath[i]);
            long t = ns + i * 2_000_000L; // 2 ms per AS
            hops.Clear();
            string entered = i == 0 ? Access : Border(asPath[i - 1]);
            if (i > 0)
            {
                e.Domain.Neighbor(asPath[i - 1]);
            }
            hops.Add(new(entered, i == 0 ? EmulatedDomain.Hosts : $"as:{asPath[i - 1]}", Core));
            if (i + 1 < asPath.Count)
            {
                string exit = Border(asPath[i + 1]);
                e.Domain.Neighbor(asPath[i + 1]);
                hops.Add(new(Core, entered, exit));
                hops.Add(new(exit, Core, $"as:{asPath[i + 1]}"));
            }
            else
            {
                hops.Add(new(Core, entered, Access));
                hops.Add(new(Access, Core, EmulatedDomain.Hosts)); // delivered to the victim
            }
            e.Mark(hops, packet); // from here on the AS's routers see the marked packet
            e.Forward(hops, packet, t);
            if (noticing?[i] == true)
            {
                e.SawSpoofed(i == 0 ? null : asPath[i - 1], packet, t);
            }
            packet[8] = (byte)Math.Max(1, packet[8] - 1); // TTL, as a router would
        }
        return (packet, ns + asPath.Count * 2_000_000L);
    }

    private const string Core = EmulatedDomain.Core, Access = EmulatedDomain.Access;

    private static string Border(uint neighbor) => EmulatedDomain.Border(neighbor);

    /// <summary>
    /// Whether no marking AS rewrites the packets after an AS whose evidence depends on them:
    /// a mark changes the identification field, so digests taken before it (which hash that field)
    /// and another AS's deterministic marks no longer match what the victim received
    /// (<see cref="IEmulationModel.SpoiledByRewriting"/>). Flow records and link testing key on
    /// addresses and ports, which marks leave alone. Only such paths count as traceable
    /// ("reachable") when marking is deployed.
    /// </summary>
    /// <param name="systems">The models of the kinds an AS runs (border and inside).</param>
    private static bool MarksSpareEvidence(IReadOnlyList<uint> asPath, Func<uint, IReadOnlyList<IEmulationModel>> systems)
    {
        bool evidenceBefore = false;
        foreach (uint a in asPath)
        {
            var models = systems(a);
            if (models.Any(m => m.Rewrites) && evidenceBefore)
            {
                return false;
            }
            evidenceBefore |= models.Any(m => m.SpoiledByRewriting);
        }
        return true;
    }

    /// <summary>A UDP packet from a random forged source (198.18.0.0/15) to the victim's address, distinct by its id and payload.</summary>
    private static byte[] Packet(Random random, int sequence, ushort port)
    {
        uint source = 0xC6120000u | (uint)random.Next(0x20000);
        var payload = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(payload, sequence);
        return ReflectedExchange.Udp(source, ReflectedExchange.VictimAddress, (ushort)random.Next(1024, 65536), port, (ushort)sequence, payload);
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
        if (wanted > candidates.Count)
        {
            throw new FormatException($"attackers: count {wanted} is more than the {candidates.Count} ASes that could attack (all but the victim" +
                $"{(attackers.Count > 0 ? " and the attackers named" : "")})");
        }
        foreach (uint a in Pick(random, candidates, wanted))
        {
            attackers[a] = 1;
        }
        return attackers;
    }

    /// <summary>
    /// Which kind of BTS and TS each AS runs: ASes are ordered by the deployment strategy, the
    /// first share of them runs the first kind registered, the next share the next kind (TS and
    /// BTS alike); then the overrides.
    /// </summary>
    private static (Dictionary<uint, string> Bts, Dictionary<uint, string> Ts) Deployment(Scenario scenario, AsGraph graph, List<uint> ases, Random random,
        KindRegistry kinds)
    {
        var order = DeploymentOrder.Of(scenario.Deployment.Strategy, graph, random);
        Dictionary<uint, string> Assign(KindMix mix)
        {
            var assigned = new Dictionary<uint, string>();
            int next = 0;
            foreach (var kind in kinds.Emulated.Select(k => k.Name))
            {
                int count = (int)Math.Round(mix.Share(kind) * ases.Count);
                for (int k = 0; k < count && next < order.Count; k++)
                {
                    assigned[order[next++]] = kind;
                }
            }
            return assigned;
        }
        var bts = Assign(scenario.Deployment.Bts);
        var ts = Assign(scenario.Deployment.Ts);
        foreach (var (asText, o) in scenario.Deployment.Overrides)
        {
            uint a = uint.Parse(asText, System.Globalization.CultureInfo.InvariantCulture);
            if (!graph.Contains(a))
            {
                throw new FormatException($"deployment.overrides.{asText}: AS{a} is not in the topology");
            }
            if (o.Bts is { } b) bts[a] = b;
            if (o.Ts is { } t) ts[a] = t;
        }
        return (bts, ts);
    }

    private static List<uint> Pick(Random random, List<uint> from, int count) => [.. from.OrderBy(_ => random.Next()).Take(count)];

    private sealed class CountedBtm(IBtmClient inner, string kind, Accounting accounting) : IBtmClient
    {
        public async Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
        {
            var reply = await inner.TraceAsync(request, cancellationToken).ConfigureAwait(false);
            accounting.Count(kind, "btm", reply.Result.Degree, reply.Result.State == TraceState.Found);
            return reply;
        }
    }

    private sealed class CountedDtm(IDtmClient inner, string kind, Accounting accounting) : IDtmClient
    {
        public async Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken)
        {
            var reply = await inner.TraceAsync(request, cancellationToken).ConfigureAwait(false);
            accounting.Count(kind, "dtm", reply.Result.Degree, reply.Result.SubDomains.Any(d => d.Agent?.State == TraceState.Found));
            return reply;
        }
    }

    /// <summary>The queries of one trace method, as they are answered.</summary>
    private sealed class Accounting
    {
        private readonly List<SystemQuery> _queries = [];

        public long DomainTraces { get { lock (_queries) return _queries.Count(q => q.Role == "dtm"); } }
        public long BorderQueries { get { lock (_queries) return _queries.Count(q => q.Role == "btm"); } }

        public void Count(string kind, string role, uint degree, bool saw)
        {
            lock (_queries) _queries.Add(new SystemQuery(kind, role, degree, saw));
        }

        public IReadOnlyList<SystemQuery> Snapshot()
        {
            lock (_queries) return [.. _queries];
        }
    }
}
