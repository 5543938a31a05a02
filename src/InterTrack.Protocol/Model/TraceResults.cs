namespace InterTrack.Protocol.Model;

/// <summary>A neighbour AS the flow came in from (Incomings) or went out to (Outgoings).</summary>
public sealed record NeighborAs(uint AsNumber, IpVersion IpVersion, AddressScope Scope)
{
    public ValueList<TranslateInfo> Translations { get; init; } = [];

    public static NeighborAs Global(uint asNumber) => new(asNumber, IpVersion.Any, AddressScope.Global);
}

internal sealed record AdministratorInfo
{
    public string? AdministratorName { get; init; }
    public string? Affiliation { get; init; }
    public string? AccountName { get; init; }
    public string? Address { get; init; }
    public string? Email { get; init; }
    public string? PhoneNumber { get; init; }
    public string? FaxNumber { get; init; }
}

/// <summary>
/// What a BTS says about how the flow crosses the AS border. Either the neighbour lists
/// (with AskDTM and translations) or an <see cref="Error"/> is carried, never both.
/// </summary>
public sealed record BorderTraceResult(AsStatus Status, uint Degree, TraceState State)
{
    public string? TsType { get; init; }
    /// <summary>Null when the element is absent; an empty list is an empty element.</summary>
    public ValueList<NeighborAs>? Incomings { get; init; }
    public ValueList<NeighborAs>? Outgoings { get; init; }
    public bool AskDtm { get; init; }
    public ValueList<TranslateInfo> Translations { get; init; } = [];
    public ErrorCode? Error { get; init; }
    public ValueList<MessageOption> Options { get; init; } = [];
}

/// <summary>One AS of the AS-level attack tree: its depth from the victim, status, state and confidence.</summary>
public sealed record AsEntry(NodeId NodeId, AsStatus Status, uint Depth, uint Degree, TraceState State)
{
    public string? TsType { get; init; }
    internal AdministratorInfo? Administrator { get; init; }
    public ValueList<NeighborAs>? Incomings { get; init; }
    public ValueList<NeighborAs>? Outgoings { get; init; }
    public bool AskDtm { get; init; }
    public bool Translated { get; init; }
    public ValueList<TranslateInfo> Translations { get; init; } = [];
    /// <summary>When set, the entry carries only this error (the schema's choice).</summary>
    public ErrorCode? Error { get; init; }
    public ValueList<MessageOption> Options { get; init; } = [];
}

/// <summary>The inter-AS result of an ITM: the ASes of the attack tree, or an error.</summary>
public sealed record InterAsTraceResult(uint Degree)
{
    public ValueList<AsEntry> Ases { get; init; } = [];
    public ErrorCode? Error { get; init; }
    public ValueList<MessageOption> Options { get; init; } = [];
}

/// <summary>A node a TS suspects to be on the path (for instance the source's first-hop router).</summary>
public sealed record SuspectedNode(NodeId NodeId)
{
    public string? LearnedInterface { get; init; }
    public string? Location { get; init; }
}

/// <summary>One router or agent a TS reached while tracing inside its domain.</summary>
public sealed record SubAgent(NodeId NodeId, uint Depth, TraceState State)
{
    public ValueList<NodeId> NeighborAgents { get; init; } = [];
    public SuspectedNode? Suspected { get; init; }
    public ValueList<MessageOption> Options { get; init; } = [];
}

/// <summary>A TS's answer for one sub-domain.</summary>
public sealed record AgentReply(NodeId NodeId, TraceState State)
{
    public string? TsType { get; init; }
    public string? Layer { get; init; }
    public ValueList<SubAgent> SubAgents { get; init; } = [];
    public ErrorCode? Error { get; init; }
    public ValueList<MessageOption> Options { get; init; } = [];
}

public sealed record SubDomain(NetworkInfo Network)
{
    public AgentReply? Agent { get; init; }
    internal AdministratorInfo? Administrator { get; init; }
    public ValueList<MessageOption> Options { get; init; } = [];
}

/// <summary>The intra-AS result of a DTM: the sub-domains traced, or an error.</summary>
public sealed record IntraAsTraceResult(uint Degree)
{
    public ValueList<SubDomain> SubDomains { get; init; } = [];
    public ErrorCode? Error { get; init; }
    public ValueList<MessageOption> Options { get; init; } = [];
}
