using System.Net.NetworkInformation;

namespace InterTrack.Border;

/// <summary>Which way a border link carries packets: into our AS from the neighbour, or out to it.</summary>
public enum BorderDirection
{
    In,
    Out,
}

/// <summary>
/// One border link of a BTS: the digest link (table) that records it, the neighbour AS at its
/// other end and its direction. On a capture agent an interface's traffic is split by MAC
/// address into "IF:in" and "IF:out"; a link defined by a MAC pair on a shared segment is
/// selected by <see cref="LocalMac"/> and <see cref="RemoteMac"/>.
/// </summary>
public sealed record BorderLink(string DigestLink, uint NeighborAs, BorderDirection Direction)
{
    public PhysicalAddress? LocalMac { get; init; }
    public PhysicalAddress? RemoteMac { get; init; }

    /// <summary>The link of an agent's interface in one direction (digest link "IF:in" or "IF:out").</summary>
    public static BorderLink OnInterface(string interfaceName, uint neighborAs, BorderDirection direction) =>
        new(InterfaceLink(interfaceName, direction), neighborAs, direction);

    public static string InterfaceLink(string interfaceName, BorderDirection? direction) =>
        direction switch
        {
            BorderDirection.In => interfaceName + ":in",
            BorderDirection.Out => interfaceName + ":out",
            _ => interfaceName,
        };
}
