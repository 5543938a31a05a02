using System.Buffers.Binary;
using InterTrack.Packets.Reflection;

namespace InterTrack.Emulation;

/// <summary>
/// One exchange of a reflection attack in the emulator: the forged request an attacker's host sends (source: the victim's
/// address and a port of its choice) to a reflector's service, and the reflector's answer to the victim; IPv4/UDP around
/// the payloads of <see cref="ReflectionMessages"/>.
/// </summary>
internal static class ReflectedExchange
{
    /// <summary>The victim's address in every emulated attack (203.0.113.7).</summary>
    public const uint VictimAddress = 0xCB007107u;

    /// <summary>The reflector host of an AS: 100.64.0.0/10 plus the AS number.</summary>
    public static uint ReflectorAddress(uint asNumber) => 0x64400000u | (asNumber & 0x003FFFFFu);

    public static (byte[] Request, byte[] Response) Of(ReflectionProtocol protocol, uint reflectorAs, Random random, int sequence)
    {
        ushort victimPort;
        do
        {
            victimPort = (ushort)random.Next(1024, 65536);
        }
        while (ReflectionProtocol.All.Any(p => p.Port == victimPort)); // an answer to a service port would read as a request
        var request = ReflectionMessages.Request(protocol, (ushort)random.Next(65536));
        uint reflector = ReflectorAddress(reflectorAs);
        return (Udp(VictimAddress, reflector, victimPort, protocol.Port, (ushort)sequence, request),
            Udp(reflector, VictimAddress, protocol.Port, victimPort, (ushort)sequence, ReflectionMessages.Response(protocol, request)));
    }

    /// <summary>An IPv4/UDP packet (TTL 64, no checksums: nothing in the emulation checks them).</summary>
    public static byte[] Udp(uint source, uint destination, ushort sourcePort, ushort destinationPort, ushort id, byte[] payload)
    {
        var p = new byte[28 + payload.Length];
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), id);
        p[8] = 64;
        p[9] = 17;
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(12), source);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(16), destination);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(20), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(22), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(24), (ushort)(8 + payload.Length));
        payload.CopyTo(p.AsSpan(28));
        return p;
    }
}
