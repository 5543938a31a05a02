namespace InterTrack.Protocol.Model;

/// <summary>An allow or deny rule of a path filter.</summary>
internal sealed record PathRule(uint AsNumber, IpVersion IpVersion);

/// <summary>Which ASes a node accepts requests from or forwards them to.</summary>
internal sealed record PathFilter
{
    public ValueList<PathRule> Deny { get; init; } = [];
    public ValueList<PathRule> Allow { get; init; } = [];
    public IpVersion? DenyAll { get; init; }
    public IpVersion? AllowAll { get; init; }
}

/// <summary>How much of a result a node discloses, and which tags it strips.</summary>
internal sealed record ExportLevel(ExportLevelKind Level)
{
    public ValueList<string> DeleteTags { get; init; } = [];
}

internal sealed record FilterRules
{
    public PathFilter? PathFilter { get; init; }
    /// <summary>Messages per second; null when the element is absent.</summary>
    public uint? RateLimit { get; init; }
    public ExportLevel? ExportLevel { get; init; }
}

/// <summary>A free-form option (Options/Option) carried by most messages.</summary>
public sealed record MessageOption(string Type, string Value);

/// <summary>An error carried in a reply or a result.</summary>
public sealed record ErrorCode(ErrorType Type)
{
    internal TimeDiff? TimeDiff { get; init; }
    public string? Message { get; init; }
}
