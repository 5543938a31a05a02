namespace InterTrack.Lab;

/// <summary>What <c>lab up</c> builds.</summary>
public sealed record LabOptions
{
    public const string DefaultId = "itl";

    /// <summary>The lab id: every namespace of the lab is named <c>ID-…</c>, which is how <c>down</c> finds them.</summary>
    public string Id { get; init; } = DefaultId;

    /// <summary>Where configurations, certificates, evidence, captures and logs go.</summary>
    public required string Directory { get; init; }

    /// <summary>ASes of a generated topology (ignored with <see cref="TopologyFile"/>).</summary>
    public int Ases { get; init; } = 10;

    public int Seed { get; init; } = 1;

    /// <summary>A CAIDA as-rel file instead of a generated topology.</summary>
    public string? TopologyFile { get; init; }

    /// <summary>
    /// ASes that run a kind of traceback system, by the kind's name (or <c>KindRegistry.None</c>: nothing, their ITM has stub
    /// BTM and DTM). The rest run the first kind the lab can deploy, or one drawn by <see cref="Shares"/>.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<uint>> Systems { get; init; } = new Dictionary<string, IReadOnlyList<uint>>();

    /// <summary>
    /// Shares of the ASes (besides the victim's, the multi-router transit's and those named in <see cref="Systems"/>) drawn to
    /// run a kind, by its name; a kind left out draws its <c>ILabKind.DefaultShare</c>, a kind named in <see cref="Systems"/> none.
    /// </summary>
    public IReadOnlyDictionary<string, double> Shares { get; init; } = new Dictionary<string, double>();

    /// <summary>The victim's AS (default: a stub AS of the topology).</summary>
    public uint? Victim { get; init; }

    /// <summary>How many attacker ASes <c>lab attack</c> and <c>lab run</c> use when not told.</summary>
    public int Attackers { get; init; } = 3;

    public const int MaxAses = 200;
}
