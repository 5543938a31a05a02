using System.Net;

namespace InterTrack.LinkTesting;

/// <summary>
/// What input debugging matches on a router's links: the attack's destination address and IP
/// protocol, as an operator installs a filter for "traffic to the victim of this kind". It names
/// the attack's traffic, not one packet.
/// </summary>
public readonly record struct AttackSignature(IPAddress Destination, byte Protocol)
{
    /// <summary>The signature of an IP packet (from its first header byte); null when it is not a whole IP header.</summary>
    public static AttackSignature? Of(ReadOnlySpan<byte> ip)
    {
        if (ip.Length >= 20 && ip[0] >> 4 == 4)
        {
            return new AttackSignature(new IPAddress(ip.Slice(16, 4)), ip[9]);
        }
        if (ip.Length >= 40 && ip[0] >> 4 == 6)
        {
            return new AttackSignature(new IPAddress(ip.Slice(24, 16)), ip[6]);
        }
        return null;
    }
}
