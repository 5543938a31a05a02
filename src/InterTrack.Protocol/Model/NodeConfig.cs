namespace InterTrack.Protocol.Model;

internal sealed record ListeningPort(NodeRole Type, ushort Port);

internal sealed record MyId(NodeId NodeId, IpVersion IpVersion, AddressScope Scope);

/// <summary>A node's description of itself in a Config message.</summary>
internal sealed record MyStatus(NodeRole Node, uint AsNumber, ValueList<CoverArea> CoverAreas)
{
    public ValueList<ListeningPort> ListeningPorts { get; init; } = [];
    public FilterRules? FilterRules { get; init; }
    public string? Signature { get; init; }
    public string? Description { get; init; }
    /// <summary>Empty when the MyIDs element is absent (it holds 1 to 5 ids when present).</summary>
    public ValueList<MyId> MyIds { get; init; } = [];
}

/// <summary>A node a Config message tells about.</summary>
internal sealed record NodeEntry(NodeRole NodeType, NodeId NodeId, IpAddressInfo Ip)
{
    public ListeningPort? ListeningPort { get; init; }
    public string? Signature { get; init; }
    public ExportLevel? ExportLevel { get; init; }
    public string? Description { get; init; }
}
