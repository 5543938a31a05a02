using InterTrack.Node.Managers;

namespace InterTrack.Node.Kinds;

/// <summary>A kind of traceback system in the emulator (docs/emulation.md).</summary>
public interface IEmulatedKind
{
    /// <summary>
    /// The kind as one scenario sets it up: reads (claims) its settings of the scenario's <c>deployment</c> (flow
    /// records: <c>flowSampling</c>).
    /// </summary>
    /// <exception cref="FormatException">A setting is wrong; the message names it ("deployment.flowSampling: …").</exception>
    IEmulationModel Model(ScenarioSettings settings);
}

/// <summary>One kind of traceback system in one scenario: what it costs and needs, and the system of each AS that runs it.</summary>
public interface IEmulationModel : IDisposable
{
    /// <summary>Whether its routers rewrite the packets they forward (marks in the identification field).</summary>
    bool Rewrites { get; }

    /// <summary>
    /// Whether what it keeps depends on what a rewriting AS farther on changes (digests hash the identification field):
    /// then it no longer matches what the victim received.
    /// </summary>
    bool SpoiledByRewriting { get; }

    /// <summary>How many attack packets it needs to answer, as the report prints it ("1").</summary>
    string PacketsNeeded { get; }

    /// <summary>How long the attack must last for it to answer, as the report prints it ("no": what it keeps outlives the attack).</summary>
    string AttackMustLast { get; }

    /// <summary>Its system in one AS, as the AS's traceback system inside (<paramref name="ts"/>), at its border (<paramref name="bts"/>) or both.</summary>
    IEmulatedSystem ForAs(EmulatedDomain domain, bool ts, bool bts);
}

/// <summary>
/// A kind's system in one emulated AS: what its routers do to and record of every packet that
/// crosses the AS, and the BTM and DTM that answer over it. One instance serves both roles when
/// the AS runs the kind as TS and as BTS.
/// </summary>
public interface IEmulatedSystem : IDisposable
{
    /// <summary>Rewrites the packet as the AS's routers forward it, before anything records it; whether it changed.</summary>
    bool Mark(IReadOnlyList<EmulatedHop> hops, byte[] packet) => false;

    /// <summary>Records the packet (as marked) on its way through the AS's routers, <paramref name="ns"/> its time entering the AS.</summary>
    void Record(IReadOnlyList<EmulatedHop> hops, byte[] packet, long ns);

    /// <summary>Stores what is still batched, once every packet has been forwarded.</summary>
    Task FlushAsync() => Task.CompletedTask;

    /// <summary>Bytes what it keeps takes.</summary>
    long StorageBytes { get; }

    /// <summary>The AS's BTM over what its border routers kept.</summary>
    IBtmClient Btm(TimeSpan tolerance);

    /// <summary>The AS's DTM over what its routers kept.</summary>
    IDtmClient Dtm(TimeSpan tolerance);

    /// <summary>
    /// What answers for the AS's border in the RID-style baseline, which has no border systems:
    /// null for a trace through the domain (its DTM), the usual; a system whose evidence names
    /// where packets entered (marks) answers as itself.
    /// </summary>
    IBtmClient? BaselineBtm(TimeSpan tolerance) => null;
}
