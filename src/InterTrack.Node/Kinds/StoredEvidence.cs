using InterTrack.Node.Tracing;

namespace InterTrack.Node.Kinds;

/// <summary>Link evidence read from files, and what to close when done with it.</summary>
public sealed class StoredEvidence(ILinkEvidence links, IDisposable store) : IDisposable
{
    public ILinkEvidence Links { get; } = links;

    public void Dispose() => store.Dispose();
}
