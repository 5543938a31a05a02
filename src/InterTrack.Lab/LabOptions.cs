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

    /// <summary>Share of the ASes (besides the victim's and the multi-router transit) that run flow records.</summary>
    public double FlowFraction { get; init; } = 0.3;

    /// <summary>These ASes run flow records (instead of drawing them by <see cref="FlowFraction"/>).</summary>
    public IReadOnlyList<uint>? Flow { get; init; }

    /// <summary>These ASes run link testing (input debugging on nftables counters).</summary>
    public IReadOnlyList<uint> LinkTest { get; init; } = [];

    /// <summary>These ASes run nothing: their ITM has stub BTM and DTM.</summary>
    public IReadOnlyList<uint> None { get; init; } = [];

    /// <summary>The victim's AS (default: a stub AS of the topology).</summary>
    public uint? Victim { get; init; }

    /// <summary>How many attacker ASes <c>lab attack</c> and <c>lab run</c> use when not told.</summary>
    public int Attackers { get; init; } = 3;

    public const int MaxAses = 200;
}
