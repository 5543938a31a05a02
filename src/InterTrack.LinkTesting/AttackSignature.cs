using System.Net;

namespace InterTrack.LinkTesting;

/// <summary>
/// What input debugging matches on a router's links: the attack's destination address, IP
/// protocol and destination port (TCP, UDP; 0 otherwise), as an operator installs a filter for
/// "traffic to the victim's service of this kind". It names the attack's traffic, not one packet:
/// every link carrying any of the attack matches every attack packet.
/// </summary>
internal readonly record struct AttackSignature(IPAddress Destination, byte Protocol, ushort DestinationPort)
{
    /// <summary>The signature of an IP packet (from its first header byte); null when it is not a whole IP header.</summary>
    public static AttackSignature? Of(ReadOnlySpan<byte> ip)
    {
        if (ip.Length >= 20 && ip[0] >> 4 == 4)
        {
            int header = (ip[0] & 0x0F) * 4;
            return new AttackSignature(new IPAddress(ip.Slice(16, 4)), ip[9], Port(ip, ip[9], header));
        }
        if (ip.Length >= 40 && ip[0] >> 4 == 6)
        {
            return new AttackSignature(new IPAddress(ip.Slice(24, 16)), ip[6], Port(ip, ip[6], 40));
        }
        return null;
    }

    private static ushort Port(ReadOnlySpan<byte> ip, byte protocol, int header) =>
        protocol is 6 or 17 && ip.Length >= header + 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(ip[(header + 2)..]) : (ushort)0;
}
