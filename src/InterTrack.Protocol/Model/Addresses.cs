namespace InterTrack.Protocol.Model;

/// <summary>The schema's IPAddress element: an address (or prefix) with version, block and mask.</summary>
public sealed record IpAddressInfo(string Address, IpAddressVersion Version, AddressBlock Block, uint Mask);

/// <summary>The schema's MACAddress element.</summary>
internal sealed record MacAddressInfo(string Address, MacLength Length, MacDelimiter Delimiter);

internal sealed record AddressPair(IpAddressInfo Ip, MacAddressInfo Mac);

internal sealed record Vlan(uint Number, string Name);

/// <summary>A network of a sub-domain: any of an address block, a VLAN, a label.</summary>
public sealed record NetworkInfo
{
    public IpAddressInfo? Ip { get; init; }
    internal Vlan? Vlan { get; init; }
    /// <summary>The type attribute of a LABEL element; null when there is none.</summary>
    public string? LabelType { get; init; }
}
