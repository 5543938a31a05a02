using InterTrack.Protocol.Model;
using InterTrack.Tests.Transport;

namespace InterTrack.Tests.Managers;

/// <summary>The inter-AS trace with every ITM and BTM a server on loopback, talking mutual TLS.</summary>
public sealed class TlsTraceTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly AsWorld _world = new() { TraceTimeout = TimeSpan.FromSeconds(15) }; // first TLS handshakes and JIT are slow on a cold, busy CI machine

    private static Dictionary<uint, AsEntry> ByAs(ItmTraceReply reply) =>
        reply.Result.Ases.ToDictionary(e => ((ItmNodeId)e.NodeId).Itm.AsNumber);

    [Fact]
    public async Task A_chain_of_five_ases_over_tls_finds_the_source_and_transit_ases_only_ask_their_border()
    {
        uint[] path = [5, 4, 3, 2, 1];
        for (int i = 0; i + 1 < path.Length; i++) _world.Connect(path[i], path[i + 1]);
        var packets = _world.Attack(6, path);
        _world.StartTls(_pki);

        var reply = await _world.TraceAsync(1, packets);
        var result = ByAs(reply);

        Assert.True(result.Count == 5, string.Join("; ", reply.Result.Ases.Select(e => $"{e.NodeId} {e.Status} {e.Depth} {e.Error?.Type} {e.Error?.Message}")));
        Assert.Equal([AsStatus.Destination, AsStatus.Transit, AsStatus.Transit, AsStatus.Transit, AsStatus.Source],
            path.Reverse().Select(a => result[a].Status));
        Assert.Equal([0u, 1u, 2u, 3u, 4u], path.Reverse().Select(a => result[a].Depth));
        Assert.Equal([5u], _world.DtmCalls.Keys);
    }

    [Fact]
    public async Task A_killed_upstream_itm_is_reported_unknown_and_the_trace_completes()
    {
        _world.Connect(4, 3);
        _world.Connect(3, 2);
        _world.Connect(2, 1);
        var packets = _world.Attack(4, 4, 3, 2, 1);
        _world.StartTls(_pki);
        Assert.Equal(AsStatus.Source, ByAs(await _world.TraceAsync(1, packets))[4].Status); // all up: traced through

        await _world.KillItmAsync(3);
        var result = ByAs(await _world.TraceAsync(1, packets));

        Assert.Equal(AsStatus.Transit, result[2].Status);
        Assert.Equal(TraceState.Error, result[3].State);
        Assert.Contains(result[3].Status, new[] { AsStatus.Unknown, AsStatus.Busy });
        Assert.Equal(ErrorType.WaitItmReply, result[3].Error!.Type);
    }

    public void Dispose()
    {
        _world.Dispose();
        _pki.Dispose();
    }
}
