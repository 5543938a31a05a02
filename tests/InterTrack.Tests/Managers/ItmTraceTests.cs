using System.Diagnostics;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Transport;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Managers;

/// <summary>The inter-AS trace scenarios, run over the in-memory transport and over mutual TLS (the subclasses at the end).</summary>
public abstract class ItmTraceScenarios : IDisposable
{
    private readonly AsWorld _world;
    private readonly TimeSpan _traceTimeout;

    private protected ItmTraceScenarios(AsWorld world)
    {
        _world = world;
        _traceTimeout = world.TraceTimeout;
    }

    private static Dictionary<uint, AsEntry> ByAs(ItmTraceReply reply) =>
        reply.Result.Ases.ToDictionary(e => ((ItmNodeId)e.NodeId).Itm.AsNumber);

    [Fact]
    public async Task A_chain_of_five_ases_is_traced_to_the_source_at_the_far_end_and_transit_ases_skip_their_dtm()
    {
        uint[] path = [5, 4, 3, 2, 1];
        for (int i = 0; i + 1 < path.Length; i++) _world.Connect(path[i], path[i + 1]);
        var packets = _world.Attack(8, path);
        _world.Start();

        var result = ByAs(await _world.TraceAsync(1, packets));

        Assert.Equal((AsStatus.Destination, 0u), (result[1].Status, result[1].Depth));
        Assert.All(new uint[] { 2, 3, 4 }, a => Assert.Equal((AsStatus.Transit, a - 1), (result[a].Status, result[a].Depth)));
        Assert.Equal((AsStatus.Source, 4u, TraceState.Found), (result[5].Status, result[5].Depth, result[5].State));
        Assert.Equal([5u], _world.DtmCalls.Keys.Order()); // only the source AS ran an intra-domain trace
        Assert.Equal([4u], result[5].Outgoings!.Select(n => n.AsNumber));
        if (!_world.OverTls)
        {
            Assert.Equal(12, _world.Network.Messages); // 4 requests, 4 replies and 4 exports (each AS shares with the next) crossed AS borders
        }
    }

    [Fact]
    public async Task A_ddos_from_three_origins_through_a_shared_transit_gives_a_tree_and_each_origin_gets_only_its_packets()
    {
        foreach (uint origin in new uint[] { 10, 11, 12 }) _world.Connect(origin, 2);
        _world.Connect(2, 1);
        var packets = _world.Attack(3, 10, 2, 1).Concat(_world.Attack(5, 11, 2, 1)).Concat(_world.Attack(7, 12, 2, 1)).ToList();
        _world.Start();

        var result = ByAs(await _world.TraceAsync(1, packets));

        Assert.Equal(AsStatus.Transit, result[2].Status);
        Assert.Equal([10u, 11u, 12u], result[2].Incomings!.Select(n => n.AsNumber).Order());
        Assert.All(new uint[] { 10, 11, 12 }, o => Assert.Equal((AsStatus.Source, 2u), (result[o].Status, result[o].Depth)));
        Assert.Equal([3], _world.DtmCalls[10]);
        Assert.Equal([5], _world.DtmCalls[11]);
        Assert.Equal([7], _world.DtmCalls[12]);
        Assert.False(_world.DtmCalls.ContainsKey(2));
    }

    [Fact]
    public async Task An_as_that_both_originates_and_forwards_the_flow_is_traced_inside_and_upstream()
    {
        _world.Connect(4, 3);
        _world.Connect(3, 2);
        _world.Connect(2, 1);
        var packets = _world.Attack(4, 4, 3, 2, 1).Concat(_world.Attack(4, 3, 2, 1)).ToList();
        _world.Start();

        var result = ByAs(await _world.TraceAsync(1, packets));

        Assert.Equal(AsStatus.Source, result[3].Status);
        Assert.True(result[3].AskDtm);
        Assert.Equal([4u], result[3].Incomings!.Select(n => n.AsNumber));
        Assert.Equal(AsStatus.Source, result[4].Status);
        Assert.Equal([8], _world.DtmCalls[3]); // case (c): the DTM of AS3 and the ITM of AS4 were both asked
        Assert.Equal([4], _world.DtmCalls[4]);
    }

    [Fact]
    public async Task An_as_with_a_stub_instead_of_a_border_system_is_the_unresolved_frontier()
    {
        _world.Connect(4, 3);
        _world.Connect(3, 2);
        _world.Connect(2, 1);
        _world.Stub(3);
        var packets = _world.Attack(4, 4, 3, 2, 1);
        _world.Start();

        var result = ByAs(await _world.TraceAsync(1, packets));

        Assert.Equal((AsStatus.Unknown, TraceState.Error), (result[3].Status, result[3].State));
        Assert.Equal("stub", result[3].TsType);
        Assert.False(result.ContainsKey(4));
        Assert.Equal([4], _world.DtmCalls[3]); // without a border system the ITM falls back to its domain
    }

    [Fact]
    public async Task A_loop_in_the_border_answers_is_cut_by_the_path_list()
    {
        _world.Connect(3, 2);
        _world.Connect(2, 1);
        var packets = _world.Attack(4, 3, 2, 1);
        _world.AlsoSeenEntering(2, 1, packets); // AS2's border claims the flow also came from AS1: a cycle
        _world.Start();

        var reply = await _world.TraceAsync(1, packets);
        var result = ByAs(reply);

        Assert.Equal(AsStatus.Destination, result[1].Status);
        Assert.Equal(1, reply.Result.Ases.Count(e => e.NodeId == NodeId.ForItm(1)));
        Assert.Equal(AsStatus.Source, result[3].Status);
    }

    [Fact]
    public async Task A_dead_upstream_itm_becomes_an_unknown_entry_and_the_trace_completes()
    {
        _world.Connect(4, 3);
        _world.Connect(3, 2);
        _world.Connect(2, 1);
        var packets = _world.Attack(4, 4, 3, 2, 1);
        _world.Start();
        Assert.Equal(AsStatus.Source, ByAs(await _world.TraceAsync(1, packets))[4].Status); // all up: traced through
        await _world.TakeDownAsync(3);

        var result = ByAs(await _world.TraceAsync(1, packets));

        Assert.Equal(AsStatus.Transit, result[2].Status);
        Assert.Equal((AsStatus.Unknown, ErrorType.WaitItmReply), (result[3].Status, result[3].Error!.Type));
    }

    [Fact]
    public async Task A_silent_upstream_itm_becomes_busy_within_the_deadline()
    {
        _world.Connect(4, 3);
        _world.Connect(3, 2);
        _world.Connect(2, 1);
        var packets = _world.Attack(4, 4, 3, 2, 1);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _world.Time = time;
        _world.Start(asNumber => asNumber == 3 ? new SilentBtm() : null);

        var trace = _world.TraceAsync(1, packets);
        var waited = await time.AdvanceUntilAsync(trace, TimeSpan.FromMilliseconds(250), _traceTimeout * 4); // the ITM's clock runs only as we move it
        var result = ByAs(await trace);

        Assert.True(waited <= _traceTimeout, $"answered after {waited} on the ITMs' clock, deadline {_traceTimeout}");
        Assert.Equal(AsStatus.Transit, result[2].Status);
        Assert.Contains(result[3].Status, new[] { AsStatus.Busy, AsStatus.Unknown });
        Assert.Equal(TraceState.Error, result[3].State);
    }

    [Fact]
    public async Task Router_details_of_an_upstream_source_reach_the_victim_only_where_every_hop_exports_them()
    {
        _world.Connect(3, 2);
        _world.Connect(2, 1);
        var packets = _world.Attack(3, 3, 2, 1);
        _world.Start();

        var outcome = await _world.TraceOutcomeAsync(1, packets);

        // AS3 shares everything with AS2, AS2 shares everything with AS1 (see the subclasses' Tune).
        var dtm = Assert.Single(outcome.Domain);
        Assert.Equal(NeighborNode.ForItm(3), dtm.Source);
        Assert.Equal(TraceState.Found, dtm.Result.SubDomains[0].Agent!.State);
    }

    [Fact]
    public void Message_ids_are_unique_and_name_the_issuing_itm()
    {
        _world.Connect(2, 1);
        _world.Start();
        var ids = Enumerable.Range(0, 1000).Select(_ => _world.Itms[1].NewMessageId()).ToList();
        Assert.Equal(1000, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(NeighborNode.ForItm(1), id.Origin));
    }

    public void Dispose()
    {
        _world.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A BTM that never answers (a hung border system).</summary>
    private sealed class SilentBtm : IBtmClient
    {
        public async Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}

// The ITMs' clocks move only where a test moves them: a loaded machine must not make a deadline pass mid-scenario.
public sealed class InMemoryItmTraceTests()
    : ItmTraceScenarios(new AsWorld { Tune = ExportLevels.ShareDownstream, Time = new FakeTimeProvider(DateTimeOffset.UtcNow) });

public sealed class TlsItmTraceTests : ItmTraceScenarios
{
    private readonly TestPki _pki;
    private readonly AsWorld _world;

    public TlsItmTraceTests() : this(new TestPki())
    {
    }

    private TlsItmTraceTests(TestPki pki)
        : this(pki, new AsWorld(pki)
        {
            TraceTimeout = TimeSpan.FromSeconds(6), Tune = ExportLevels.ShareDownstream, Time = new FakeTimeProvider(DateTimeOffset.UtcNow),
        })
    {
    }

    private TlsItmTraceTests(TestPki pki, AsWorld world) : base(world)
    {
        _pki = pki;
        _world = world;
    }

    [Fact]
    public async Task An_upstream_itm_killed_mid_trace_is_reported_and_the_trace_completes_within_the_deadline()
    {
        _world.Connect(4, 3);
        _world.Connect(3, 2);
        _world.Connect(2, 1);
        var packets = _world.Attack(4, 4, 3, 2, 1);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _world.Time = time;
        var slowBorder = new SlowBtm();
        _world.Start(asNumber => asNumber == 3 ? slowBorder : null);

        var trace = _world.TraceAsync(1, packets);
        await slowBorder.Asked.Task.WaitAsync(TimeSpan.FromSeconds(10)); // AS3 is working on it, and never ends by itself
        await _world.TakeDownAsync(3);
        // The ITMs' clock never moves here, so a trace that waited for a deadline would not end: the
        // lost connection itself must end it (WaitAsync's 30 s only bounds a failing run).
        var result = (await trace.WaitAsync(TimeSpan.FromSeconds(30))).Result.Ases.ToDictionary(e => ((ItmNodeId)e.NodeId).Itm.AsNumber);
        Assert.Equal(AsStatus.Transit, result[2].Status);
        Assert.Equal((TraceState.Error, ErrorType.WaitItmReply), (result[3].State, result[3].Error!.Type));
        Assert.False(result.ContainsKey(4));
    }

    [Fact]
    public async Task An_itm_refuses_a_peer_whose_certificate_is_for_another_as()
    {
        _world.Connect(2, 1);
        _world.Start();
        using var impostor = _pki.Issue(9, "itm"); // right CA, right role, an AS that is no neighbour of AS2
        try
        {
            await using var connection = await MessageClient.ConnectTlsAsync("127.0.0.1", _world.ItmPorts[2], new NodeIdentity(2, NodeRole.Itm), impostor);
            await connection.SendAsync(new HeartbeatRequest(NeighborNode.ForItm(9)));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var refused = Assert.IsType<HeartbeatError>(await connection.ReceiveAsync(timeout.Token)); // told why …
            Assert.Equal("refused: AS9/itm is not a configured peer", refused.Error.Message);
            Assert.Null(await connection.ReceiveAsync(timeout.Token)); // … and closed: the heartbeat is not answered
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            // refused in the handshake
        }
    }

    /// <summary>A border system that says when it was asked and never answers (until cancelled).</summary>
    private sealed class SlowBtm : IBtmClient
    {
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
        {
            Asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new OperationCanceledException(cancellationToken);
        }
    }
}

internal static class ExportLevels
{
    /// <summary>Each AS shares everything ("all") with the AS numbered one below it (toward the victim, AS1).</summary>
    public static ItmSettings ShareDownstream(ItmSettings settings) =>
        settings with { ExportLevels = new Dictionary<uint, ExportLevelKind> { [settings.AsNumber - 1] = ExportLevelKind.All } };
}
