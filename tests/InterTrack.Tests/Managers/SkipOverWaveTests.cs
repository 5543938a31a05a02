using InterTrack.Emulation;
using InterTrack.Node.Managers;
using InterTrack.Node.Topology;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;
using InterTrack.Testing;

namespace InterTrack.Tests.Managers;

/// <summary>
/// Skip-over that scales with the gap: whom an ITM asks behind an AS that runs nothing, in what order, how many, when it
/// stops, and the candidate origins it names, on one hand-made topology with scripted border answers.
/// </summary>
public sealed class SkipOverWaveTests
{
    /// <summary>
    /// Victim 1; its provider 2 runs nothing. 2's customers: 3 (with customers 7, 8, 9), 4, 5, 6 (runs nothing, with customer 10)
    /// and 12, which is also a customer of 1 and so routes to 1 directly, not across 2.
    /// </summary>
    private static AsGraph Graph()
    {
        var g = new AsGraph();
        g.AddProviderCustomer(2, 1);
        foreach (uint c in new uint[] { 3, 4, 5, 6, 12 }) g.AddProviderCustomer(2, c);
        foreach (uint c in new uint[] { 7, 8, 9 }) g.AddProviderCustomer(3, c);
        g.AddProviderCustomer(6, 10);
        g.AddProviderCustomer(1, 12);
        return g;
    }

    private static readonly HashSet<uint> Dark = [2, 6];

    [Fact]
    public void Targets_are_the_deployed_ases_whose_route_crosses_the_gap_the_largest_catchment_first_then_nearest()
    {
        var g = Graph();
        var routes = ValleyFreeRouting.RoutesTo(g, 1);
        var search = new SkipOverSearch(g, a => !Dark.Contains(a), gap: 2, next: 1, excluded: new HashSet<uint> { 1 }, routes,
            ValleyFreeRouting.Catchment(routes));
        Assert.Equal([3u, 4u, 5u, 10u], search.Targets); // 3 carries four ASes' routes; 10 is behind 6, one AS further
        Assert.Equal([12u], search.OffRoute);           // its route to 1 does not cross 2
    }

    [Fact]
    public void Candidates_are_the_gap_then_the_ases_running_nothing_nearest_first_and_the_larger_catchment_first()
    {
        var g = Graph();
        var routes = ValleyFreeRouting.RoutesTo(g, 1);
        var search = new SkipOverSearch(g, a => a == 4, gap: 2, next: 1, excluded: new HashSet<uint> { 1 }, routes, ValleyFreeRouting.Catchment(routes));
        Assert.Equal([2u, 3u, 6u, 5u, 7u, 8u, 9u, 10u], search.Cone); // 3 (4 ASes) before 6 (2) before 5 (1); 12 routes around the gap
    }

    [Fact]
    public async Task A_deployed_attacker_two_gaps_behind_is_found_and_the_gaps_are_reported_crossed()
    {
        var world = new Scripted { [10] = Source() };
        var (result, _) = await world.TraceAsync(new SkipOverSettings(Graph(), world.Deployed));

        Assert.Equal((AsStatus.Source, TraceState.Found), (result[10].Status, result[10].State));
        Assert.Equal((AsStatus.Transit, TraceState.Reached), (result[6].Status, result[6].State));
        Assert.Equal([6u], result[2].Incomings!.Select(n => n.AsNumber));
        Assert.Equal(3u, result[10].Depth); // 2 and 6 skipped
    }

    [Fact]
    public async Task Waves_stop_once_the_answers_account_for_every_packet_the_gap_handed_over()
    {
        var world = new Scripted { [3] = CameFrom(7), [7] = Source() };
        var (result, asked) = await world.TraceAsync(new SkipOverSettings(Graph(), world.Deployed) { Wave = 1 });

        Assert.Equal([2u, 3u], asked[1]); // 3 saw every packet: 4, 5 and 10 are not asked
        Assert.Equal(AsStatus.Source, result[7].Status);
        Assert.DoesNotContain(result[2].Options, o => o.Type == "candidate-origins");
    }

    [Fact]
    public async Task The_bound_caps_the_asks_per_gap_and_the_unasked_are_named_last_among_the_candidates_with_the_reason()
    {
        var world = new Scripted(); // the attacker is 6, which runs nothing: nobody behind 2 saw the flow
        var (result, asked) = await world.TraceAsync(new SkipOverSettings(Graph(), world.Deployed) { Wave = 1, MaxTargets = 2 });

        Assert.Equal([2u, 3u, 4u], asked[1]); // in waves of 1 then 2, likeliest first, never more than 2
        var frontier = result[2];
        Assert.Equal(AsStatus.Unknown, frontier.Status);
        Assert.Equal("2,6,5,10", Option(frontier, "candidate-origins"));
        Assert.Equal("4", Option(frontier, "candidate-count"));
        Assert.Contains("2 deployed ASes behind it not asked", Option(frontier, "candidate-reason"));

        // What an operator sees: the candidates in that order, their number and why.
        var id = new MessageId(NeighborNode.ForItm(1), new TimeVal(1, 0));
        var request = new ItmTraceRequest(NeighborNode.ForItm(1), id, 16, ItmPathList.Empty, EvidencePackets.ToEvidence([], new TimeVal(1, 0)));
        var trace = Node.Client.TraceResultView.From(id, new InterAsResultExport(request, new ItmTraceReply(NeighborNode.ForItm(1), id,
            new InterAsTraceResult(0) { Ases = [.. result.Values] })));
        var view = trace.Ases.Single(a => a.As == 2);
        Assert.Equal([2u, 6u, 5u, 10u], view.Candidates);
        Assert.Equal(4, view.CandidateCount);
        var tree = new StringWriter();
        trace.WriteTree(tree);
        Assert.Contains("4 candidate origin ASes: AS2, AS6, AS5, AS10 (AS2 runs no InterTrack", tree.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_route_ases_are_asked_only_when_the_settings_say_so_and_after_the_others()
    {
        var world = new Scripted();
        var (_, without) = await world.TraceAsync(new SkipOverSettings(Graph(), world.Deployed));
        var (_, with) = await new Scripted().TraceAsync(new SkipOverSettings(Graph(), world.Deployed) { OffRoute = true });

        Assert.Equal([2u, 3u, 4u, 5u, 10u], without[1]);
        Assert.Equal([2u, 3u, 4u, 5u, 10u, 12u], with[1]);
    }

    [Fact]
    public void The_daemon_s_skipOver_field_is_a_switch_or_a_section_with_the_settings_the_emulator_uses()
    {
        using var section = System.Text.Json.JsonDocument.Parse("""{ "maxAsked": 64, "wave": 4, "offRoute": true, "notices": false }""");
        var bound = Node.Daemon.SkipOverConfig.Bind(section.RootElement).Settings(Graph(), _ => true, a => a == 3);
        Assert.Equal((true, 64, 4, true, false), (bound.Ask, bound.MaxTargets, bound.Wave, bound.OffRoute, bound.Notices));
        Assert.Equal((true, false), (bound.SendsNotices(3), bound.SendsNotices(4))); // the directory's noticeSenders

        using var off = System.Text.Json.JsonDocument.Parse("false");
        var none = Node.Daemon.SkipOverConfig.Bind(off.RootElement).Settings(Graph(), _ => true, _ => false);
        Assert.Equal((false, SkipOverSettings.DefaultMaxTargets, SkipOverSettings.DefaultWave, false, true),
            (none.Ask, none.MaxTargets, none.Wave, none.OffRoute, none.Notices));
    }

    [Fact]
    public async Task With_spoofing_notices_only_the_deployed_ases_on_a_notifier_s_route_are_asked()
    {
        // 10 (behind 6, which runs nothing) and 8 (behind 3) told the victim: behind 2, 3 (8's route crosses 2 through it) and 10 are
        // asked, all at once: 3 claims every packet, and waves of 1 that stop there would miss 10.
        var world = new Scripted { [10] = Source(), [3] = CameFrom(8), [8] = Source() };
        world.Notifiers.AddRange([10, 8]);
        var (result, asked) = await world.TraceAsync(new SkipOverSettings(Graph(), world.Deployed) { Wave = 1, SendsNotices = world.Deployed });
        Assert.Equal([2u, 3u, 10u], asked[1]);
        Assert.Equal((AsStatus.Source, AsStatus.Source), (result[10].Status, result[8].Status));

        // Notices switched off: every deployed AS whose route crosses 2.
        var off = new Scripted { [10] = Source(), [3] = CameFrom(8), [8] = Source() };
        off.Notifiers.AddRange([10, 8]);
        var (_, graphAlone) = await off.TraceAsync(new SkipOverSettings(Graph(), off.Deployed) { Notices = false, SendsNotices = off.Deployed });
        Assert.Equal([2u, 3u, 4u, 5u, 10u], graphAlone[1]);
    }

    [Fact]
    public async Task With_spoofing_notices_from_elsewhere_a_gap_is_the_frontier_and_the_silent_deployed_ases_are_no_candidates()
    {
        var world = new Scripted { [12] = Source() };
        world.Notifiers.Add(12); // its route to 1 does not cross 2
        var (result, asked) = await world.TraceAsync(new SkipOverSettings(Graph(), world.Deployed) { SendsNotices = world.Deployed });
        Assert.Equal([2u], asked[1]);
        Assert.Equal("2,6", Option(result[2], "candidate-origins"));
        Assert.Contains("send spoofing notices and sent the victim none were not asked", Option(result[2], "candidate-reason"));
    }

    [Fact]
    public async Task Without_any_notice_the_ases_known_to_send_notices_are_not_asked()
    {
        // Every deployed AS sends notices and none came: none saw spoofing come in, so behind the gap nobody is asked.
        var world = new Scripted { [4] = CameFrom(12) };
        var (result, asked) = await world.TraceAsync(new SkipOverSettings(Graph(), world.Deployed) { SendsNotices = world.Deployed });
        Assert.Equal([2u], asked[1]);
        Assert.Equal(AsStatus.Unknown, result[2].Status);
    }

    [Fact]
    public async Task A_notice_hides_no_deployed_as_that_is_not_known_to_send_notices()
    {
        // 4 attacks from behind the gap and sends no notices (nobody is known to: a daemon's directory lists no noticeSenders);
        // a notice from 12, whose route does not cross the gap, must not stop skip-over from asking 4.
        var world = new Scripted { [4] = Source(), [12] = Source() };
        world.Notifiers.Add(12);
        var (result, asked) = await world.TraceAsync(new SkipOverSettings(Graph(), world.Deployed));
        Assert.Equal(AsStatus.Source, result[4].Status);
        Assert.Contains(4u, asked[1]);
    }

    private static string? Option(AsEntry entry, string type) => entry.Options.FirstOrDefault(o => o.Type == type)?.Value;

    private static BorderTraceResult Source() => new(AsStatus.Source, 100, TraceState.Found) { Outgoings = [] };

    private static BorderTraceResult CameFrom(uint neighbor) => new(AsStatus.Transit, 100, TraceState.Found) { Incomings = [NeighborAs.Global(neighbor)] };

    /// <summary>ITMs of the deployed ASes over the in-memory transport, each border scripted (not seen unless said); who asked whom, in order.</summary>
    private sealed class Scripted : Dictionary<uint, BorderTraceResult>
    {
        public bool Deployed(uint asNumber) => !Dark.Contains(asNumber);

        /// <summary>The ASes that send the victim a spoofing notice covering the traced packets before it traces.</summary>
        public List<uint> Notifiers { get; } = [];

        public async Task<(Dictionary<uint, AsEntry> Result, Dictionary<uint, List<uint>> Asked)> TraceAsync(SkipOverSettings skip)
        {
            var network = new InMemoryItmNetwork();
            var recorder = new Recorder(network);
            var itms = Graph().Ases.Where(Deployed).ToDictionary(a => a, a => new Itm(new ItmSettings(a) { SkipOver = skip },
                new ScriptedBtm(a, a == 1 ? CameFrom(2) : this.GetValueOrDefault(a, new BorderTraceResult(AsStatus.NotFound, 100, TraceState.NotFound))),
                [], recorder));
            foreach (var itm in itms.Values) network.Add(itm);
            foreach (uint n in Notifiers)
            {
                await itms[n].NotifyAsync(1, new SpoofNotice(n, null, TestPackets.Udp4(0), 1_000_000_000, TestPackets.Udp4(3), 1_000_000_000, 4),
                    CancellationToken.None);
            }
            var footmarks = Enumerable.Range(0, 4).Select(i => EvidencePackets.ToFootmark(TestPackets.Udp4(i), 1_000_000_000)).ToList();
            var request = new ItmTraceRequest(NeighborNode.ForItm(1), itms[1].NewMessageId(), 16, ItmPathList.Empty,
                EvidencePackets.ToEvidence(footmarks, TimeVal.FromUnixNs(1_000_000_000)));
            var outcome = await itms[1].TraceAsync(request, fromOwnDPoint: true, CancellationToken.None);
            return (outcome.Reply.Result.Ases.ToDictionary(e => ((ItmNodeId)e.NodeId).Itm.AsNumber), recorder.Asked);
        }
    }

    private sealed class ScriptedBtm(uint asNumber, BorderTraceResult result) : IBtmClient
    {
        public Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new BtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId, result));
    }

    private sealed class Recorder(IItmNeighbors inner) : IItmNeighbors
    {
        public Dictionary<uint, List<uint>> Asked { get; } = [];

        public Task<NeighborAnswer> TraceAsync(uint neighborAs, ItmTraceRequest request, CancellationToken cancellationToken)
        {
            lock (Asked)
            {
                uint from = Itm.Requester(request.PathList) ?? 0;
                (Asked.TryGetValue(from, out var list) ? list : Asked[from] = []).Add(neighborAs);
            }
            return inner.TraceAsync(neighborAs, request, cancellationToken);
        }

        public Task NotifyAsync(uint asNumber, ItmTraceResultExport notice, CancellationToken cancellationToken) =>
            inner.NotifyAsync(asNumber, notice, cancellationToken);
    }
}
