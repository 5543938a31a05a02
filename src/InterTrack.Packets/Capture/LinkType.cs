namespace InterTrack.Packets.Capture;

/// <summary>The link-layer header types (tcpdump.org LINKTYPE_ values) we can find IP packets in.</summary>
public enum LinkType : ushort
{
    /// <summary>BSD loopback: a 4-byte address family in the capturing host's byte order.</summary>
    Null = 0,
    Ethernet = 1,
    /// <summary>Raw IP as some old BSD captures label it (DLT_RAW = 12).</summary>
    RawBsd = 12,
    /// <summary>Raw IP as OpenBSD labels it (14).</summary>
    RawOpenBsd = 14,
    /// <summary>Raw IPv4 or IPv6, version told by the first nibble.</summary>
    Raw = 101,
    /// <summary>OpenBSD loopback: a 4-byte address family in network byte order.</summary>
    Loop = 108,
    /// <summary>Linux "cooked" capture, version 1 (16-byte header).</summary>
    LinuxSll = 113,
    Ipv4 = 228,
    Ipv6 = 229,
    /// <summary>Linux "cooked" capture, version 2 (20-byte header).</summary>
    LinuxSll2 = 276,
}
