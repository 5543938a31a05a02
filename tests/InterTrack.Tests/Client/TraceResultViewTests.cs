using InterTrack.Node.Client;
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
}
