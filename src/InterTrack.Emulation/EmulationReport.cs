namespace InterTrack.Emulation;

/// <summary>How one trace method did on a scenario.</summary>
/// <param name="TsQueries">Intra-domain traces run (DTM queries): the cost InterTrack's border shortcut saves.</param>
/// <param name="BorderQueries">Border system queries (BTM).</param>
/// <param name="Unresolved">ASes where the trace stopped without an answer (stubs, silent or refusing ITMs): the frontier.</param>
public sealed record MethodResult(IReadOnlyList<uint> OriginAses, IReadOnlyList<IReadOnlyList<uint>> AsPaths, long Messages, long Bytes,
    long TsQueries, long BorderQueries, double ElapsedMs, double Recall, double Precision, IReadOnlyList<uint> Unresolved)
{
    /// <summary>Per AS of the result, the kind of system that answered for it (its <c>tstype</c>: a kind's name, or "stub").</summary>
    public IReadOnlyDictionary<uint, string?> AsSystems { get; init; } = new Dictionary<uint, string?>();

    /// <summary>
    /// Per attacker AS: the size of the smallest set it was narrowed to — 1 when found as an origin, a frontier's
    /// candidate count when it is among that frontier's candidates — or null when neither.
    /// </summary>
    public IReadOnlyDictionary<uint, int?> CandidateSets { get; init; } = new Dictionary<uint, int?>();

    /// <summary>The share of attackers narrowed to at most <paramref name="size"/> candidate ASes (found exactly counts as 1).</summary>
    public double WithinCandidates(int size) => CandidateSets.Count == 0 ? 0 : CandidateSets.Values.Count(n => n <= size) / (double)CandidateSets.Count;

    /// <summary>The mean candidate-set size over the attackers narrowed at all; 0 when none was.</summary>
    public double MeanCandidates => CandidateSets.Values.Where(n => n is not null).Select(n => (double)n!.Value).DefaultIfEmpty(0).Average();

    /// <summary>The ASes an ITM asked at least once in the trace (neighbours and skip-over's): with Messages and Bytes, its cost.</summary>
    public int AsesAsked { get; init; }

    /// <summary>The ASes found as reflectors (status Amplifier); the origins stay the ASes found forging the requests.</summary>
    public IReadOnlyList<uint> ReflectorAses { get; init; } = [];

    /// <summary>Every BTM and DTM query answered, with the kind of system and the degree it answered.</summary>
    internal IReadOnlyList<SystemQuery> Queries { get; init; } = [];
}

/// <summary>One query to a traceback system: its kind's name, "btm" or "dtm", the degree (0–100) of its answer, and whether it saw the flow.</summary>
internal sealed record SystemQuery(string Kind, string Role, uint Degree, bool Saw);

/// <summary>How many answers had a degree in [Degree, Degree + 10) (100: exactly 100).</summary>
public sealed record DegreeCount(uint Degree, int Count);

/// <summary>
/// One kind of traceback system in a scenario: the crossed ASes running it as TS and as BTS, its
/// BTM and DTM queries in InterTrack's trace and their degrees, and what its evidence takes
/// (bytes, and bytes per packet those ASes forwarded), how many attack packets it needs to answer
/// (one for digests, flows and link testing; DPM marking needs both halves of an address, 3 on
/// average; edge sampling every fragment of every marking router, about a thousand for a few
/// ASes: docs/evaluation.md), and how long the attack must last for it to answer: digests and
/// flow records keep evidence after the attack, link testing only sees it while it lasts.
/// </summary>
public sealed record SystemFigures(string Kind, int TsAses, int BtsAses, int BtmQueries, int DtmQueries, IReadOnlyList<DegreeCount> Degrees,
    long StorageBytes, double StorageBytesPerPacket, string PacketsNeeded, string AttackMustLast);

/// <summary>The truth of a scenario and what InterTrack and the RID-style baseline found.</summary>
public sealed record EmulationReport(uint VictimAs, IReadOnlyList<uint> AttackerAses, int Ases, int AttackPackets, int TracedPackets,
    MethodResult InterTrack, MethodResult Baseline)
{
    /// <summary>Attacker ASes that run some system themselves: what skip-over can reach.</summary>
    public IReadOnlyList<uint> DeployedAttackerAses { get; init; } = [];

    /// <summary>Attacker ASes whose whole path runs some system: what a trace without skip-over can reach.</summary>
    public IReadOnlyList<uint> ReachableAttackerAses { get; init; } = [];

    /// <summary>The reflector ASes of a reflection attack (none otherwise); <see cref="AttackerAses"/> are the ASes that forged the requests.</summary>
    public IReadOnlyList<uint> ReflectorAses { get; init; } = [];

    /// <summary>Bytes the reflectors sent the victim ÷ bytes of the forged requests they got (IP packets); 0 without reflection.</summary>
    public double Amplification { get; init; }

    /// <summary>Per kind of system the emulator runs, in the order they are registered: ASes, queries, degrees, storage.</summary>
    public IReadOnlyList<SystemFigures> Systems { get; init; } = [];

    /// <summary>The share of <see cref="ReachableAttackerAses"/> a method found.</summary>
    /// <returns>The share of <paramref name="attackers"/> the method found; null when there are none (nothing to find is not 100 %).</returns>
    public static double? RecallOf(IReadOnlyList<uint> attackers, MethodResult method)
    {
        var found = method.OriginAses.ToHashSet();
        return attackers.Count == 0 ? null : attackers.Count(found.Contains) / (double)attackers.Count;
    }
}
