using InterTrack.Node.Client;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Client;

/// <summary>
/// Trace results of reflected answers, as an ITM returns them (AS entries with the amplifier's Options), for the outputs' tests:
/// victim 65001 ← transit 65002 ← amplifier 65003 (reflector 198.51.100.53, DNS) ← transit 65004 ← 65005, which forged the requests.
/// </summary>
internal static class ReflectedTraces
{
    public const string Reflector = "198.51.100.53:53";

    public const string Unmatched = "40 of 40 answers our hosts sent: no request with their key came in at our border near their time";

    /// <summary>The requests were found at the amplifier's border and traced upstream to the forging AS.</summary>
    public static TraceResultView Crossed() => View(
        Entry(65001, 0, AsStatus.Destination, [65002]),
        Entry(65002, 1, AsStatus.Transit, [65003]),
        Entry(65003, 2, AsStatus.Amplifier, [65004], new(ReflectionAnswer.ReflectorOption, Reflector), new(ReflectionAnswer.ServiceOption, "dns")),
        Entry(65004, 3, AsStatus.Transit, [65005]),
        Entry(65005, 4, AsStatus.Source, []));

    /// <summary>The amplifier found none of the requests: the trace ends there, with why.</summary>
    public static TraceResultView Unfound() => View(
        Entry(65001, 0, AsStatus.Destination, [65002]),
        Entry(65002, 1, AsStatus.Transit, [65003]),
        Entry(65003, 2, AsStatus.Amplifier, [], new(ReflectionAnswer.ReflectorOption, Reflector), new(ReflectionAnswer.ServiceOption, "dns"),
            new(ReflectionAnswer.UnmatchedOption, Unmatched)));

    private static AsEntry Entry(uint asNumber, uint depth, AsStatus status, uint[] incomings, params MessageOption[] options) =>
        new(NodeId.ForItm(asNumber), status, depth, 100, TraceState.Found)
        {
            TsType = "digest",
            Incomings = [.. incomings.Select(NeighborAs.Global)],
            Options = [.. options],
        };

    private static TraceResultView View(params AsEntry[] entries)
    {
        var id = new MessageId(NeighborNode.ForItm(65001), new TimeVal(1_795_000_000, 5));
        var request = new ItmTraceRequest(NeighborNode.ForItm(65001), id, 16, ItmPathList.Empty, EvidencePackets.ToEvidence([], new TimeVal(1, 0)));
        return TraceResultView.From(id, new InterAsResultExport(request, new ItmTraceReply(NeighborNode.ForItm(65001), id,
            new InterAsTraceResult(100) { Ases = [.. entries] })));
    }
}
