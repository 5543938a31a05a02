using InterTrack.Node.Client;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Client;

public sealed class TraceResultViewTests
{
    [Fact]
    public void The_tree_puts_every_as_under_the_as_it_was_traced_from_also_off_the_paths_to_origins()
    {
        // The victim 65001 was entered from 65002 and 65003; 65002 from the source 65004, and
        // 65003 from 65005, which runs nothing: no origin lies behind 65003.
        AsView[] ases =
        [
            new(65001, 0, AsStatus.Destination, TraceState.Found, 100, [65002, 65003], null, "digest"),
            new(65002, 1, AsStatus.Transit, TraceState.Found, 100, [65004], null, "digest"),
            new(65003, 1, AsStatus.Transit, TraceState.Found, 95, [65005], null, "flow"),
            new(65004, 2, AsStatus.Source, TraceState.Found, 100, [], null, "digest"),
            new(65005, 2, AsStatus.Unknown, TraceState.Reached, 0, [], null, "stub"),
        ];
        var view = new TraceResultView(new MessageId(NeighborNode.ForItm(65001), new TimeVal(1, 0)), ases, [65004], [[65001, 65002, 65004]],
            new Dictionary<uint, IReadOnlyList<SubAgent>>());
        var text = new StringWriter();
        view.WriteTree(text);

        Assert.Equal(
            """
            AS65001  Destination  depth 0  degree 100  digest
            ├─ AS65002  Transit  depth 1  degree 100  digest
            │  └─ AS65004  Source  depth 2  degree 100  digest
            └─ AS65003  Transit  depth 1  degree 95  flow
               └─ AS65005  Unknown  depth 2  degree 0  stub

            """.ReplaceLineEndings(), text.ToString());
    }

    private const string Gap = "runs no InterTrack; crossed by skip-over on the AS graph";

    private static AsEntry Entry(uint asNumber, uint depth, AsStatus status, string? skipped, params uint[] incomings) =>
        new(NodeId.ForItm(asNumber), status, depth, skipped is null ? 100u : 90u, skipped is null ? TraceState.Found : TraceState.Reached)
        {
            TsType = skipped is null ? "digest" : null,
            Incomings = [.. incomings.Select(NeighborAs.Global)],
            Options = skipped is null ? [] : [new MessageOption("skipped", skipped)],
        };

    private static TraceResultView View(params AsEntry[] entries)
    {
        var id = new MessageId(NeighborNode.ForItm(1), new TimeVal(1, 0));
        var request = new ItmTraceRequest(NeighborNode.ForItm(1), id, 16, ItmPathList.Empty, EvidencePackets.ToEvidence([], new TimeVal(1, 0)));
        return TraceResultView.From(id, new InterAsResultExport(request, new ItmTraceReply(NeighborNode.ForItm(1), id,
            new InterAsTraceResult(100) { Ases = [.. entries] })));
    }

    private static string Tree(TraceResultView view)
    {
        var text = new StringWriter();
        view.WriteTree(text);
        return text.ToString();
    }

    [Fact]
    public void An_origin_found_through_a_skip_over_chain_hangs_under_it_though_it_answered_a_deeper_request()
    {
        // As the served emulation (seed 6) answered: victim 1's provider 2 runs nothing; skip-over crossed 2 and 3 to the deployed
        // 4 (depth 0 + 1 + 2 skipped) and also 2, 6 and 7 to 4 (depth 4, other footmarks). 4 asked 5 from both; the request from
        // depth 4 came first, so 5 answered at depth 5 and refused the other as a duplicate. The trace keeps 4's depth-3 entry.
        var view = View(
            Entry(1, 0, AsStatus.Destination, null, 2),
            Entry(2, 1, AsStatus.Transit, Gap, 3, 6),
            Entry(3, 2, AsStatus.Transit, Gap, 4),
            Entry(6, 2, AsStatus.Transit, Gap, 7),
            Entry(4, 3, AsStatus.Transit, null, 5),
            Entry(7, 3, AsStatus.Transit, Gap, 4),
            Entry(5, 5, AsStatus.Source, null));

        Assert.Equal([[1u, 2u, 3u, 4u, 5u]], view.AsPaths);
        Assert.Equal(4u, view.TreeAses().Single(t => t.As == 5).Parent); // the operator page's picture
        Assert.Equal(
            $"""
            AS1  Destination  depth 0  degree 100  digest
            └─ AS2  Transit  depth 1  degree 90  skipped: {Gap}
               ├─ AS3  Transit  depth 2  degree 90  skipped: {Gap}
               │  └─ AS4  Transit  depth 3  degree 100  digest
               │     └─ AS5  Source  depth 5  degree 100  digest
               └─ AS6  Transit  depth 2  degree 90  skipped: {Gap}
                  └─ AS7  Transit  depth 3  degree 90  skipped: {Gap}
                     └─ AS4  also reached here: see under AS3

            """.ReplaceLineEndings(), Tree(view));
    }

    [Fact]
    public void Entries_of_one_as_at_two_depths_leave_one_connected_tree_with_each_as_once()
    {
        // Not merged: 4 at depth 5 (through a longer chain) and 3; 5 answered the deeper request (depth 6) and refused the other.
        var view = View(
            Entry(1, 0, AsStatus.Destination, null, 2),
            Entry(2, 1, AsStatus.Transit, Gap, 3),
            Entry(3, 2, AsStatus.Transit, Gap, 4),
            Entry(4, 5, AsStatus.Transit, null, 5),
            Entry(5, 6, AsStatus.Source, null),
            Entry(4, 3, AsStatus.Transit, null, 5),
            new AsEntry(NodeId.ForItm(5), AsStatus.Refused, 4, 0, TraceState.Error) { Error = new ErrorCode(ErrorType.RefusedPath) });

        Assert.Equal([5u], view.OriginAses);
        Assert.Equal([[1u, 2u, 3u, 4u, 5u]], view.AsPaths);
        var lines = Tree(view).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["AS1", "AS2", "AS3", "AS4", "AS5"], lines.Select(l => l.TrimStart(' ', '│', '├', '└', '─').Split(' ')[0]));
        Assert.Single(lines, l => l.StartsWith("AS", StringComparison.Ordinal)); // one root
    }

    [Fact]
    public void Ases_that_name_each_other_at_one_depth_are_drawn_once_without_a_cycle()
    {
        // 3 and 4 each say the flow came in from the other (both reached at depth 2), as do 5 and 6, which nobody else names.
        var view = View(
            Entry(1, 0, AsStatus.Destination, null, 2),
            Entry(2, 1, AsStatus.Transit, null, 3),
            Entry(3, 2, AsStatus.Transit, null, 2, 4),
            Entry(4, 2, AsStatus.Source, null, 3),
            Entry(5, 2, AsStatus.Transit, null, 6),
            Entry(6, 2, AsStatus.Source, null, 5));

        Assert.Equal([[1u, 2u, 3u, 4u], [6u]], view.AsPaths);
        Assert.Equal(
            """
            AS1  Destination  depth 0  degree 100  digest
            └─ AS2  Transit  depth 1  degree 100  digest
               └─ AS3  Transit  depth 2  degree 100  digest
                  └─ AS4  Source  depth 2  degree 100  digest
            AS6  Source  depth 2  degree 100  digest
            └─ AS5  Transit  depth 2  degree 100  digest

            """.ReplaceLineEndings(), Tree(view));
    }
}
