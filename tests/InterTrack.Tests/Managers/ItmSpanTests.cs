using System.Collections.Concurrent;
using System.Diagnostics;
using InterTrack.Node.Managers;
using InterTrack.Node.Telemetry;
using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Managers;

/// <summary>Spans per ITM hop, and the W3C trace context across ASes only where the export level lets the neighbour learn more than AS statuses.</summary>
public sealed class ItmSpanTests
{
    [Fact]
    public async Task A_neighbour_that_may_learn_our_answers_continues_our_trace_and_one_that_may_not_starts_its_own()
    {
        // AS9101 (victim) ← AS9102 ← AS9103 (source). AS9101 lets AS9102 learn "all"; AS9102 lets AS9103 learn only AS statuses.
        using var world = new AsWorld
        {
            Tune = s => s.AsNumber == 9101 ? s with { ExportLevels = new Dictionary<uint, ExportLevelKind> { [9102] = ExportLevelKind.All } } : s,
        };
        world.Connect(9103, 9102);
        world.Connect(9102, 9101);
        var packets = world.Attack(4, 9103, 9102, 9101);
        world.Start();
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NodeActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.GetTagItem("intertrack.as") is uint n && n is >= 9101 and <= 9103) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);

        var reply = await world.TraceAsync(9101, packets);

        Assert.Contains(reply.Result.Ases, e => e.Status == AsStatus.Source && ((ItmNodeId)e.NodeId).Itm.AsNumber == 9103);
        Activity Hop(uint asNumber) => Assert.Single(spans, s => s.OperationName == "itm.trace" && (uint)s.GetTagItem("intertrack.as")! == asNumber);
        Activity Forward(uint from, uint to) => Assert.Single(spans, s => s.OperationName == "itm.forward"
            && (uint)s.GetTagItem("intertrack.as")! == from && (uint)s.GetTagItem("intertrack.neighbor")! == to);
        var victim = Hop(9101);
        var transit = Hop(9102);
        var source = Hop(9103);

        Assert.Equal(default, victim.ParentSpanId); // the D Point's request starts the trace
        Assert.Equal(victim.TraceId, transit.TraceId);
        Assert.Equal(Forward(9101, 9102).SpanId, transit.ParentSpanId);
        Assert.NotEqual(victim.TraceId, source.TraceId); // AS9103 may not learn our spans: a new root
        Assert.Equal(default, source.ParentSpanId);
        Assert.Equal(transit.TraceId, Forward(9102, 9103).TraceId);
        Assert.Equal("Source", source.GetTagItem("intertrack.status"));
    }
}
