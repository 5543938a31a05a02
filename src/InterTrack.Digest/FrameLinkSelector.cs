using InterTrack.Node.Tracing;

namespace InterTrack.Digest;

/// <summary>
/// Picks the digest link a captured Ethernet frame belongs to. Border links given by a MAC pair
/// (for a shared segment, such as an exchange point LAN) win: a frame from the remote MAC to the
/// local one is that link's "in", the reverse its "out". Otherwise the frame belongs to its
/// interface, split by direction: frames the interface sent ("IF:out") and all others ("IF:in").
/// </summary>
internal sealed class FrameLinkSelector(string interfaceName, byte[] ownMac, IReadOnlyList<BorderLink> macPairLinks)
{
    private readonly string _in = BorderLink.InterfaceLink(interfaceName, BorderDirection.In);
    private readonly string _out = BorderLink.InterfaceLink(interfaceName, BorderDirection.Out);
    private readonly (byte[] Source, byte[] Destination, string Link)[] _pairs = [.. macPairLinks
        .Where(l => l.LocalMac is not null && l.RemoteMac is not null)
        .Select(l => l.Direction == BorderDirection.In
            ? (l.RemoteMac!.GetAddressBytes(), l.LocalMac!.GetAddressBytes(), l.Link)
            : (l.LocalMac!.GetAddressBytes(), l.RemoteMac!.GetAddressBytes(), l.Link))];

    /// <summary>The link name for an Ethernet frame (at least 12 bytes: destination, then source MAC).</summary>
    public string Select(ReadOnlySpan<byte> frame)
    {
        var destination = frame[..6];
        var source = frame.Slice(6, 6);
        foreach (var (pairSource, pairDestination, link) in _pairs)
        {
            if (source.SequenceEqual(pairSource) && destination.SequenceEqual(pairDestination))
            {
                return link;
            }
        }
        return ownMac.Length == 6 && source.SequenceEqual(ownMac) ? _out : _in;
    }
}
