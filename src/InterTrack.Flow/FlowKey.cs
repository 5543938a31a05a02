using System.Buffers.Binary;
using System.IO.Hashing;

namespace InterTrack.Flow;

/// <summary>
/// What a flow record and a packet share: IP version, source and destination address, protocol
/// and ports (for ICMP: 0 and type × 256 + code). A forged-source packet has the key its forged
/// addresses made, and that is the flow it matches.
/// </summary>
public readonly record struct FlowKey(byte IpVersion, UInt128 Source, UInt128 Destination, byte Protocol, ushort SourcePort, ushort DestinationPort)
{
    /// <summary>Protocols whose records carry ports: a match on them is a match on the whole 5-tuple.</summary>
    public bool HasPorts => Protocol is 6 or 17 or 132 or 33;

    public ulong Hash()
    {
        Span<byte> bytes = stackalloc byte[38];
        bytes[0] = IpVersion;
        bytes[1] = Protocol;
        BinaryPrimitives.WriteUInt128LittleEndian(bytes[2..], Source);
        BinaryPrimitives.WriteUInt128LittleEndian(bytes[18..], Destination);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[34..], SourcePort);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[36..], DestinationPort);
        return XxHash3.HashToUInt64(bytes);
    }

    /// <summary>The key and ToS of an IP packet (from its first header byte); null when it is not a whole IP header.</summary>
    public static (FlowKey Key, byte Tos)? OfPacket(ReadOnlySpan<byte> ip)
    {
        if (ip.IsEmpty)
        {
            return null;
        }
        int version = ip[0] >> 4;
        byte protocol;
        byte tos;
        UInt128 source, destination;
        int payload;
        if (version == 4)
        {
            int headerLength = (ip[0] & 0x0F) * 4;
            if (headerLength < 20 || ip.Length < headerLength)
            {
                return null;
            }
            tos = ip[1];
            protocol = ip[9];
            source = FlowRecord.Address(ip.Slice(12, 4));
            destination = FlowRecord.Address(ip.Slice(16, 4));
            // A later fragment has no transport header: its record (if any) has no ports.
            payload = (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1FFF) == 0 ? headerLength : -1;
        }
        else if (version == 6)
        {
            if (ip.Length < 40)
            {
                return null;
            }
            tos = (byte)((BinaryPrimitives.ReadUInt16BigEndian(ip) >> 4) & 0xFF);
            protocol = ip[6];
            source = FlowRecord.Address(ip.Slice(8, 16));
            destination = FlowRecord.Address(ip.Slice(24, 16));
            payload = 40;
        }
        else
        {
            return null;
        }
        ushort sourcePort = 0, destinationPort = 0;
        if (payload > 0 && ip.Length >= payload + 4)
        {
            if (protocol is 1 or 58)
            {
                destinationPort = (ushort)(ip[payload] << 8 | ip[payload + 1]);
            }
            else if (protocol is 6 or 17 or 132 or 33)
            {
                sourcePort = BinaryPrimitives.ReadUInt16BigEndian(ip[payload..]);
                destinationPort = BinaryPrimitives.ReadUInt16BigEndian(ip[(payload + 2)..]);
            }
        }
        return (new FlowKey((byte)version, source, destination, protocol, sourcePort, destinationPort), tos);
    }
}
