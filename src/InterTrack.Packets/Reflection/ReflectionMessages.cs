using System.Buffers.Binary;
using System.Text;

namespace InterTrack.Packets.Reflection;

/// <summary>
/// Requests a reflection attack sends and the answers a reflector gives, as UDP payloads in their real wire formats, for
/// the emulator's data plane: a DNS ANY query with EDNS and an answer of large TXT records (RFC 1035, 6891), an ntpdc
/// monlist (mode 7, request code 42) and its table of 72-byte entries, a memcached UDP "get" and its "VALUE" in the
/// 8-byte frame header, an SSDP M-SEARCH and a device's "200 OK". One answer datagram per request: a real memcached or
/// NTP server sends several, so the amplification of one exchange is a lower bound of the published factors.
/// </summary>
public static class ReflectionMessages
{
    /// <summary>The protocols <see cref="Request"/> and <see cref="Response"/> build.</summary>
    public static IReadOnlyList<ReflectionProtocol> Built { get; } =
        [ReflectionProtocol.Dns, ReflectionProtocol.Ntp, ReflectionProtocol.Memcached, ReflectionProtocol.Ssdp];

    private const string Name = "example.com";

    /// <summary>A request; <paramref name="id"/> is its identity where the protocol has one (DNS ID, memcached request id).</summary>
    /// <exception cref="NotSupportedException">The protocol is not one of <see cref="Built"/>.</exception>
    public static byte[] Request(ReflectionProtocol protocol, ushort id)
    {
        if (protocol == ReflectionProtocol.Dns)
        {
            // RD set, one question (ANY, IN), one OPT record announcing 4,096-byte answers
            return [.. U16(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1, .. DnsName(Name), 0, 255, 0, 1, 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0];
        }
        if (protocol == ReflectionProtocol.Ntp)
        {
            return [0x17, 0x00, 0x03, 42, 0, 0, 0, 0, .. new byte[40]]; // version 2, mode 7, XNTPD, MON_GETLIST_1
        }
        if (protocol == ReflectionProtocol.Memcached)
        {
            return [.. U16(id), 0, 0, 0, 1, 0, 0, .. "get amp\r\n"u8];
        }
        if (protocol == ReflectionProtocol.Ssdp)
        {
            return Encoding.ASCII.GetBytes("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n");
        }
        throw new NotSupportedException($"no request builder for {protocol}");
    }

    /// <summary>The reflector's answer to <paramref name="request"/> (a payload <see cref="Request"/> built), echoing its identity.</summary>
    /// <exception cref="NotSupportedException">The protocol is not one of <see cref="Built"/>.</exception>
    public static byte[] Response(ReflectionProtocol protocol, ReadOnlySpan<byte> request)
    {
        if (protocol == ReflectionProtocol.Dns)
        {
            int question = 12 + DnsName(Name).Length + 4;
            var answer = new List<byte>([.. request[..2], 0x81, 0x80, 0, 1, 0, 5, 0, 0, 0, 0, .. request[12..question]]);
            for (int i = 0; i < 5; i++)
            {
                // a TXT record of 255 characters named by a pointer to the question's name
                answer.AddRange([0xC0, 12, 0, 16, 0, 1, 0, 0, 0x0E, 0x10, 1, 0, 255, .. Enumerable.Repeat((byte)('a' + i), 255)]);
            }
            return [.. answer];
        }
        if (protocol == ReflectionProtocol.Ntp)
        {
            const int Items = 6;
            return [0x97, 0, request[2], request[3], 0, Items, 0, 72, .. Enumerable.Range(0, 72 * Items).Select(i => (byte)i)];
        }
        if (protocol == ReflectionProtocol.Memcached)
        {
            var value = Encoding.ASCII.GetBytes("VALUE amp 0 1350\r\n" + new string('x', 1350) + "\r\nEND\r\n");
            return [.. request[..2], 0, 0, 0, 1, 0, 0, .. value];
        }
        if (protocol == ReflectionProtocol.Ssdp)
        {
            return Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://192.0.2.1:49152/rootDesc.xml\r\n"
                + "SERVER: Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.3\r\nST: upnp:rootdevice\r\nUSN: uuid:3a5c-0001::upnp:rootdevice\r\n\r\n");
        }
        throw new NotSupportedException($"no response builder for {protocol}");
    }

    private static byte[] DnsName(string name) =>
        [.. name.Split('.').SelectMany(label => (byte[])[(byte)label.Length, .. Encoding.ASCII.GetBytes(label)]), 0];

    private static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }
}
