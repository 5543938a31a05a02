using InterTrack.Node.Kinds;

namespace InterTrack.Marking;

/// <summary>
/// Packet marking as a kind of traceback system: the routers of a marking AS write into the
/// identification field of the packets they forward, and its BTM and DTM answer from the marks
/// of the packets the victim received. A scenario says how its marking ASes mark with
/// <c>deployment.marking</c>: "dpm" (deterministic, at the ingress edge) or "ppm" (edge sampling
/// at every router, <c>deployment.markingProbability</c>). One kind with two schemes, not two
/// kinds: a scenario deploys one scheme, and its shares and replies (<c>tstype</c>) say
/// "marking" either way. Marks live in the packets, not in a node's store: no node runs it, the
/// emulator models it (<see cref="EmulatedMarking"/>).
/// </summary>
public sealed class MarkingKind : ITracebackKind, IEmulatedKind
{
    /// <summary>The kind's name, in scenarios and replies.</summary>
    public const string KindName = "marking";

    private const string Dpm = "dpm", Ppm = "ppm";

    public string Name => KindName;
    public INodeKind? Node => null;
    public IEmulatedKind Emulation => this;
    public ILabKind? Lab => null; // marks need routers that write them: the lab's routers are Linux kernels

    /// <summary>Reads <c>deployment.marking</c> and <c>deployment.markingProbability</c>.</summary>
    public IEmulationModel Model(ScenarioSettings settings)
    {
        string scheme = settings.Get("marking", Dpm);
        double probability = settings.Get("markingProbability", 1.0 / 25);
        if (scheme is not (Dpm or Ppm))
        {
            throw new FormatException($"deployment.marking: must be \"{Dpm}\" or \"{Ppm}\"");
        }
        if (probability is not (> 0 and < 1))
        {
            throw new FormatException("deployment.markingProbability: must be between 0 and 1");
        }
        return new EmulatedMarking.Model(scheme == Ppm ? new EdgeSampling(probability) : null);
    }
}
