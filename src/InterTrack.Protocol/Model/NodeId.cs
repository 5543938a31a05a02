namespace InterTrack.Protocol.Model;

/// <summary>What an ITM covers: an IP version and an address scope.</summary>
public sealed record CoverArea(IpVersion IpVersion, AddressScope Scope)
{
    public static CoverArea GlobalAny { get; } = new(IpVersion.Any, AddressScope.Global);
}

/// <summary>The identity of an ITM: its AS number and the area it covers.</summary>
public sealed record ItmId(uint AsNumber, CoverArea CoverArea)
{
    public string? Signature { get; init; }
}

/// <summary>
/// The schema's NodeID: an idtype attribute plus exactly one identifier element. The subtypes
/// are the identifier choices; <see cref="IdType"/> defaults to the matching type.
/// </summary>
public abstract record NodeId(NodeIdType IdType)
{
    public static NodeId ForItm(uint asNumber) => new ItmNodeId(new ItmId(asNumber, CoverArea.GlobalAny));
}

public sealed record ItmNodeId(ItmId Itm) : NodeId(NodeIdType.ItmId);

public sealed record IpNodeId(IpAddressInfo Ip) : NodeId(NodeIdType.Ip);

public sealed record FqdnNodeId(string Fqdn) : NodeId(NodeIdType.Fqdn);

internal sealed record MacNodeId(MacAddressInfo Mac) : NodeId(NodeIdType.Mac);

internal sealed record AddressPairNodeId(AddressPair Pair) : NodeId(NodeIdType.AddressPair);

public sealed record OtherNodeId(string Text) : NodeId(NodeIdType.Other);

/// <summary>
/// A node named in a message: Master, Slave, SourceNode, DestinationNode or Origin
/// (all of the schema's NeighborNode type).
/// </summary>
public sealed record NeighborNode(NodeId NodeId)
{
    public string? Signature { get; init; }

    public static NeighborNode ForItm(uint asNumber) => new(NodeId.ForItm(asNumber));
}

/// <summary>One ITM a request passed through, with its AS-hop depth from the origin.</summary>
public sealed record NextHop(NodeId NodeId, uint Depth)
{
    public string? Signature { get; init; }
}

/// <summary>The ITMs a request has visited, for loop detection.</summary>
public sealed record ItmPathList(NeighborNode? Origin, ValueList<NextHop> NextHops)
{
    public static ItmPathList Empty { get; } = new(null, []);
}

/// <summary>A message id: the issuing ITM and a sequence number (a time value).</summary>
public sealed record MessageId(NeighborNode Origin, TimeVal SequenceNumber)
{
    public override string ToString() =>
        Origin.NodeId is ItmNodeId itm ? $"AS{itm.Itm.AsNumber}/{SequenceNumber}" : $"{Origin.NodeId}/{SequenceNumber}";

    /// <summary>Parses the text form of an ITM's message id, "AS65001/sec.usec".</summary>
    /// <exception cref="FormatException">It is not one.</exception>
    public static MessageId Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 3 || !text.StartsWith("AS", StringComparison.Ordinal)
            || !uint.TryParse(text.AsSpan(2, slash - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
            out uint asNumber)
            || TimeVal.Parse(text[(slash + 1)..]) is not { } sequence)
        {
            throw new FormatException($"'{text}' is not a message id (ASn/sec.usec)");
        }
        return new MessageId(NeighborNode.ForItm(asNumber), sequence);
    }
}

/// <summary>The Traceback Client a D Point acts for, with the client's own sequence number.</summary>
public sealed record SourceClient(NodeId NodeId, TimeVal TemporarySequenceNumber)
{
    public string? Signature { get; init; }
}
