using InterTrack.Daemon;
using InterTrack.Digest;
using InterTrack.Flow;
using InterTrack.LinkTesting;

namespace InterTrack.Cli;

/// <summary>The kinds of traceback system this program runs in a node: one fresh instance of each per node.</summary>
internal static class TracebackSystems
{
    public static IReadOnlyList<ITracebackSystem> ForNode() => [new DigestSystem(), new FlowSystem(), new LinkTestSystem()];
}
