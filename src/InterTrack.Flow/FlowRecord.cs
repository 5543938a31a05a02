using System.Buffers.Binary;
using System.Net;

namespace InterTrack.Flow;

/// <summary>
/// One flow record as the store keeps it, whatever exported it (IPFIX, NetFlow v9): who exported
/// it (address and observation domain), the interfaces the flow came in and went out on, its
/// 5-tuple and ToS, its first and last packet times and its counters. Addresses are 16 bytes
/// (IPv4 as IPv4-mapped IPv6). For ICMP the destination port holds type × 256 + code, as
/// NetFlow does.
/// </summary>
public struct FlowRecord
{
    /// <summary>Bytes of a record in a store segment.</summary>
    public const int Size = 104;

    public byte IpVersion { get; set; }
    public byte Protocol { get; set; }
    public byte Tos { get; set; }
    public uint ObservationDomain { get; set; }
    public UInt128 Exporter { get; set; }
    public UInt128 Source { get; set; }
    public UInt128 Destination { get; set; }
    public ushort SourcePort { get; set; }
    public ushort DestinationPort { get; set; }
    public uint IngressInterface { get; set; }
    public uint EgressInterface { get; set; }
    /// <summary>1 in how many packets the exporter sampled (1: every packet).</summary>
    public uint SamplingInterval { get; set; }
    public long StartMs { get; set; }
    public long EndMs { get; set; }
    public ulong Packets { get; set; }
    public ulong Octets { get; set; }

    public readonly FlowKey Key => new(IpVersion, Source, Destination, Protocol, SourcePort, DestinationPort);

    public readonly IPAddress ExporterAddress => Address(Exporter);

    public static UInt128 Address(ReadOnlySpan<byte> bytes) => bytes.Length == 4
        ? new UInt128(0, 0xFFFF_0000_0000UL | BinaryPrimitives.ReadUInt32BigEndian(bytes))
        : BinaryPrimitives.ReadUInt128BigEndian(bytes);

    public static UInt128 Address(IPAddress address) => Address(address.IsIPv4MappedToIPv6 ? address.MapToIPv4().GetAddressBytes() : address.GetAddressBytes());

    public static IPAddress Address(UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        var address = new IPAddress(bytes);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    public readonly void Write(Span<byte> to)
    {
        to[0] = IpVersion;
        to[1] = Protocol;
        to[2] = Tos;
        to[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(to[4..], ObservationDomain);
        BinaryPrimitives.WriteUInt128LittleEndian(to[8..], Exporter);
        BinaryPrimitives.WriteUInt128LittleEndian(to[24..], Source);
        BinaryPrimitives.WriteUInt128LittleEndian(to[40..], Destination);
        BinaryPrimitives.WriteUInt16LittleEndian(to[56..], SourcePort);
        BinaryPrimitives.WriteUInt16LittleEndian(to[58..], DestinationPort);
        BinaryPrimitives.WriteUInt32LittleEndian(to[60..], IngressInterface);
        BinaryPrimitives.WriteUInt32LittleEndian(to[64..], EgressInterface);
        BinaryPrimitives.WriteUInt32LittleEndian(to[68..], SamplingInterval);
        BinaryPrimitives.WriteInt64LittleEndian(to[72..], StartMs);
        BinaryPrimitives.WriteInt64LittleEndian(to[80..], EndMs);
        BinaryPrimitives.WriteUInt64LittleEndian(to[88..], Packets);
        BinaryPrimitives.WriteUInt64LittleEndian(to[96..], Octets);
    }

    public static FlowRecord Read(ReadOnlySpan<byte> from) => new()
    {
        IpVersion = from[0],
        Protocol = from[1],
        Tos = from[2],
        ObservationDomain = BinaryPrimitives.ReadUInt32LittleEndian(from[4..]),
        Exporter = BinaryPrimitives.ReadUInt128LittleEndian(from[8..]),
        Source = BinaryPrimitives.ReadUInt128LittleEndian(from[24..]),
        Destination = BinaryPrimitives.ReadUInt128LittleEndian(from[40..]),
        SourcePort = BinaryPrimitives.ReadUInt16LittleEndian(from[56..]),
        DestinationPort = BinaryPrimitives.ReadUInt16LittleEndian(from[58..]),
        IngressInterface = BinaryPrimitives.ReadUInt32LittleEndian(from[60..]),
        EgressInterface = BinaryPrimitives.ReadUInt32LittleEndian(from[64..]),
        SamplingInterval = BinaryPrimitives.ReadUInt32LittleEndian(from[68..]),
        StartMs = BinaryPrimitives.ReadInt64LittleEndian(from[72..]),
        EndMs = BinaryPrimitives.ReadInt64LittleEndian(from[80..]),
        Packets = BinaryPrimitives.ReadUInt64LittleEndian(from[88..]),
        Octets = BinaryPrimitives.ReadUInt64LittleEndian(from[96..]),
    };
}
