using InterTrack.Digest;
using InterTrack.Flow;
using InterTrack.LinkTesting;
using InterTrack.Marking;
using InterTrack.Node.Kinds;

namespace InterTrack.Cli;

/// <summary>
/// The kinds of traceback system this program runs, one line each (docs/kinds.md): the node
/// host, the emulator and the commands know them only through this list. The first is the
/// default kind; the order is the order a scenario's shares are deployed and reported in.
/// </summary>
internal static class TracebackKinds
{
    public static KindRegistry All { get; } = new(
    [
        new DigestKind(),
        new FlowKind(),
        new LinkTestKind(),
        new MarkingKind(),
    ]);
}
