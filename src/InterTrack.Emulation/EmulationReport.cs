namespace InterTrack.Emulation;

/// <summary>How one trace method did on a scenario.</summary>
/// <param name="TsQueries">Intra-domain traces run (DTM queries): the cost InterTrack's border shortcut saves.</param>
/// <param name="BorderQueries">Border system queries (BTM).</param>
/// <param name="Unresolved">ASes where the trace stopped without an answer (stubs, silent or refusing ITMs): the frontier.</param>
public sealed record MethodResult(IReadOnlyList<uint> OriginAses, IReadOnlyList<IReadOnlyList<uint>> AsPaths, long Messages, long Bytes,
    long TsQueries, long BorderQueries, double ElapsedMs, double Recall, double Precision, IReadOnlyList<uint> Unresolved);

/// <summary>The truth of a scenario and what InterTrack and the RID-style baseline found.</summary>
public sealed record EmulationReport(uint VictimAs, IReadOnlyList<uint> AttackerAses, int Ases, int AttackPackets, int TracedPackets,
    MethodResult InterTrack, MethodResult Baseline);
