using InterTrack.Node.Managers;
using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Managers;

/// <summary>An ITM's policy toward other ASes: path filters and the rate limit.</summary>
public sealed class ItmPolicyTests
{
    private static async Task<Dictionary<uint, AsEntry>> TraceChainAsync(Func<ItmSettings, ItmSettings> tune, int traces = 1)
    {
        using var world = new AsWorld { Tune = tune };
        world.Connect(3, 2);
        world.Connect(2, 1);
        var packets = world.Attack(4, 3, 2, 1);
        world.Start();
        ItmTraceReply reply = null!;
        for (int i = 0; i < traces; i++)
        {
            reply = await world.TraceAsync(1, packets);
        }
        return reply.Result.Ases.ToDictionary(e => ((ItmNodeId)e.NodeId).Itm.AsNumber);
    }

    [Fact]
    public async Task An_itm_refuses_requests_from_an_as_its_path_filter_denies()
    {
        var result = await TraceChainAsync(s => s.AsNumber == 2 ? s with { DenyAses = new HashSet<uint> { 1 } } : s);
        Assert.Equal((AsStatus.Refused, ErrorType.RefusedPath), (result[2].Status, result[2].Error!.Type));
        Assert.False(result.ContainsKey(3));
    }

    [Fact]
    public async Task An_itm_does_not_forward_to_an_as_outside_its_allow_list()
    {
        var result = await TraceChainAsync(s => s.AsNumber == 2 ? s with { AllowAses = new HashSet<uint> { 1 } } : s);
        Assert.Equal(AsStatus.Transit, result[2].Status);
        Assert.Equal(("not asked: path filter", TraceState.Error), (result[3].Error!.Message, result[3].State));
    }

    [Fact]
    public async Task With_the_default_inter_as_export_a_neighbour_learns_no_router_details()
    {
        using var world = new AsWorld();
        world.Connect(3, 2);
        world.Connect(2, 1);
        var packets = world.Attack(3, 3, 2, 1);
        world.Start();
        var outcome = await world.TraceOutcomeAsync(1, packets);
        Assert.Empty(outcome.Domain); // AS3 traced inside (its DTM was asked) but kept the details
        Assert.Equal([3], world.DtmCalls[3]);
    }

    [Fact]
    public async Task Requests_from_other_ases_beyond_the_rate_limit_are_refused_as_busy()
    {
        var result = await TraceChainAsync(s => s.AsNumber == 2 ? s with { NeighborRateLimit = 1 } : s, traces: 2);
        Assert.Equal((AsStatus.Busy, ErrorType.RefusedLimit), (result[2].Status, result[2].Error!.Type));
    }
}
