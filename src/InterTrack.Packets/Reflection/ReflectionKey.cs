using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace InterTrack.Packets.Reflection;

/// <summary>
/// What ties a reflected response to the request that caused it: the protocol, the victim's address and port (the
/// request's source, the response's destination), the reflector's address and service port, and the request's
/// identity where the protocol has one (DNS ID and question, NTP mode 6 opcode and sequence or mode 7 implementation
/// and request code, memcached request id, CLDAP messageID; SSDP none, so time must narrow it down). A response and the
/// request it answers give equal keys, and equal keys have equal bytes (<see cref="ToBytes"/>), so a store may keep the
/// bytes or their <see cref="Hash"/> and a trace may send the hash as a PayloadHash.
/// </summary>
public sealed class ReflectionKey : IEquatable<ReflectionKey>
{
    // Encoding, version 1: version, protocol code, address length (4 or 16), victim address, victim port, reflector
    // address, reflector port, identity length (2 bytes), identity; integers big-endian. Stores keep it: never change it,
    // add a version.
    private const byte FormatVersion = 1;
    private const int AddressAt = 3;

    private readonly byte[] _bytes;
    private readonly int _hashCode;

    /// <summary>A key from its parts, for a store or emulation that has no packet; an IPv4-mapped IPv6 address counts as IPv4.</summary>
    /// <exception cref="ArgumentException">The addresses are of two families, or the identity is longer than 65,535 bytes.</exception>
    public ReflectionKey(ReflectionProtocol protocol, IPAddress victim, ushort victimPort, IPAddress reflector, ushort reflectorPort,
        ReadOnlySpan<byte> identity)
        : this(protocol, Bytes(victim), victimPort, Bytes(reflector), reflectorPort, identity)
    {
    }

    private ReflectionKey(ReflectionProtocol protocol, ReadOnlySpan<byte> victim, ushort victimPort, ReadOnlySpan<byte> reflector,
        ushort reflectorPort, ReadOnlySpan<byte> identity)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (victim.Length != reflector.Length)
        {
            throw new ArgumentException("the victim's and the reflector's addresses are of two families", nameof(reflector));
        }
        if (identity.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"an identity of {identity.Length} bytes is longer than 65,535", nameof(identity));
        }
        Protocol = protocol;
        int a = victim.Length;
        _bytes = new byte[AddressAt + 2 * (a + 2) + 2 + identity.Length];
        var b = _bytes.AsSpan();
        (b[0], b[1], b[2]) = (FormatVersion, protocol.Code, (byte)a);
        victim.CopyTo(b[AddressAt..]);
        BinaryPrimitives.WriteUInt16BigEndian(b[(AddressAt + a)..], victimPort);
        reflector.CopyTo(b[(AddressAt + a + 2)..]);
        BinaryPrimitives.WriteUInt16BigEndian(b[(AddressAt + 2 * a + 2)..], reflectorPort);
        BinaryPrimitives.WriteUInt16BigEndian(b[(AddressAt + 2 * a + 4)..], (ushort)identity.Length);
        identity.CopyTo(b[IdentityAt..]);
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        _hashCode = hash.ToHashCode();
    }

    /// <summary>The key of a request a reflector would answer (UDP to a service port), or null for any other packet.</summary>
    /// <param name="ipPacket">An IPv4 or IPv6 packet, from its IP header on; it may be cut short or hostile.</param>
    public static ReflectionKey? OfRequest(ReadOnlySpan<byte> ipPacket) => Of(ipPacket, response: false);

    /// <summary>The key of a reflector's answer (UDP from a service port), equal to its request's; null for any other packet.</summary>
    /// <param name="ipPacket">An IPv4 or IPv6 packet, from its IP header on; it may be cut short (a first fragment will do) or hostile.</param>
    public static ReflectionKey? OfResponse(ReadOnlySpan<byte> ipPacket) => Of(ipPacket, response: true);

    private static ReflectionKey? Of(ReadOnlySpan<byte> ipPacket, bool response)
    {
        if (!UdpDatagram.TryRead(ipPacket, out var udp))
        {
            return null;
        }
        // An answer goes back the way its request came: read as that request, victim (forged) → service port.
        var request = response ? udp.Reversed() : udp;
        return ReflectionProtocol.OfPort(request.DestinationPort) is { } protocol && protocol.ReadIdentity(udp.Payload, response) is { } identity
            ? new ReflectionKey(protocol, request.SourceAddress, request.SourcePort, request.DestinationAddress, request.DestinationPort, identity)
            : null;
    }

    public ReflectionProtocol Protocol { get; }

    /// <summary>The victim's address: the request's forged source, the response's destination.</summary>
    public IPAddress Victim => new(_bytes.AsSpan(AddressAt, AddressLength));

    public ushort VictimPort => BinaryPrimitives.ReadUInt16BigEndian(_bytes.AsSpan(AddressAt + AddressLength));

    public IPAddress Reflector => new(_bytes.AsSpan(AddressAt + AddressLength + 2, AddressLength));

    public ushort ReflectorPort => BinaryPrimitives.ReadUInt16BigEndian(_bytes.AsSpan(AddressAt + 2 * AddressLength + 2));

    /// <summary>The request's identity in the protocol's own terms (empty for SSDP).</summary>
    public ReadOnlySpan<byte> Identity => _bytes.AsSpan(IdentityAt);

    private int AddressLength => _bytes[2];

    private int IdentityAt => AddressAt + 2 * (AddressLength + 2) + 2;

    /// <summary>
    /// The request's IPv4 or IPv6 and UDP headers as the key gives them: the victim's address and port to the reflector's service, no
    /// payload, no IP options (TTL 64, ToS 0, IP ID 0: not the request's). What a system keyed by addresses and ports (flow records)
    /// looks a request up by; the trace carries it beside the key's hash (docs/protocol.md, "Reflection").
    /// </summary>
    public byte[] RequestHeaders()
    {
        int a = AddressLength;
        var victim = _bytes.AsSpan(AddressAt, a);
        var reflector = _bytes.AsSpan(AddressAt + a + 2, a);
        if (a == 4)
        {
            return Capture.Ipv4Packets.Udp(BinaryPrimitives.ReadUInt32BigEndian(victim), BinaryPrimitives.ReadUInt32BigEndian(reflector), VictimPort,
                ReflectorPort, 0, []);
        }
        byte[] packet = new byte[40 + 8]; // no checksum: nothing checks it, and it would be of a request without payload
        var b = packet.AsSpan();
        (b[0], b[6], b[7]) = (0x60, 17, 64);
        BinaryPrimitives.WriteUInt16BigEndian(b[4..], 8);
        victim.CopyTo(b[8..]);
        reflector.CopyTo(b[24..]);
        BinaryPrimitives.WriteUInt16BigEndian(b[40..], VictimPort);
        BinaryPrimitives.WriteUInt16BigEndian(b[42..], ReflectorPort);
        BinaryPrimitives.WriteUInt16BigEndian(b[44..], 8);
        return packet;
    }

    /// <summary>The key's canonical encoding: equal keys, equal bytes, on every machine and in every version of InterTrack.</summary>
    public byte[] ToBytes() => (byte[])_bytes.Clone();

    /// <summary>SHA-256 of <see cref="ToBytes"/>: what a store may keep and a trace may send as a PayloadHash (encoding sha-256).</summary>
    public byte[] Hash() => SHA256.HashData(_bytes);

    public bool Equals(ReflectionKey? other) => other is not null && _hashCode == other._hashCode && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as ReflectionKey);

    public override int GetHashCode() => _hashCode;

    public override string ToString()
    {
        string identity = Identity.IsEmpty ? "no id" : "id " + Convert.ToHexStringLower(Identity);
        return $"{Protocol} {new IPEndPoint(Reflector, ReflectorPort)} -> {new IPEndPoint(Victim, VictimPort)}, {identity}";
    }

    private static byte[] Bytes(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).GetAddressBytes();
    }
}
