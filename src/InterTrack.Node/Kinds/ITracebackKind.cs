namespace InterTrack.Node.Kinds;

/// <summary>
/// One kind of traceback system (packet digests, flow records, link testing, marking, …), as its
/// project describes itself: its name, how a node runs it, how the emulator models it and how the lab deploys it. The
/// program lists the kinds it runs in a <see cref="KindRegistry"/> and hands it to the node host
/// and the emulator, which know a kind only through this (docs/kinds.md).
/// </summary>
public interface ITracebackKind
{
    /// <summary>The name configurations (<c>btm.system</c>), scenarios (a share of <c>deployment.ts</c>) and replies (<c>tstype</c>) use.</summary>
    string Name { get; }

    /// <summary>
    /// How a node runs it behind its BTM and DTM; null when no node can (marks travel in the packets the routers
    /// forward: only the emulator models them).
    /// </summary>
    INodeKind? Node { get; }

    /// <summary>How the emulator models it; null when it cannot.</summary>
    IEmulatedKind? Emulation { get; }

    /// <summary>How the lab runs it on its routers; null when it cannot.</summary>
    ILabKind? Lab { get; }
}
