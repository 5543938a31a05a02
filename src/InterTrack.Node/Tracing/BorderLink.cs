using System.Net.NetworkInformation;

namespace InterTrack.Node.Tracing;

/// <summary>Which way a border link carries packets: into our AS from the neighbour, or out to it.</summary>
public enum BorderDirection
{
    In,
    Out,
}

/// <summary>
/// One border link of a BTS: the link its traceback system records (a digest table, a flow
/// exporter's interface), the neighbour AS at its other end and its direction. Link names are
/// "NAME:in" and "NAME:out": a digest agent splits an interface's traffic by MAC address into
/// "IF:in" and "IF:out", and a link defined by a MAC pair on a shared segment is selected by
/// <see cref="LocalMac"/> and <see cref="RemoteMac"/>; a flow link is "EXPORTER/IFINDEX:in"
/// (records whose ingress interface is IFINDEX) or ":out" (egress).
/// </summary>
public sealed record BorderLink(string Link, uint NeighborAs, BorderDirection Direction)
{
    public PhysicalAddress? LocalMac { get; init; }
    public PhysicalAddress? RemoteMac { get; init; }

    /// <summary>The link of an interface in one direction ("IF:in" or "IF:out").</summary>
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
