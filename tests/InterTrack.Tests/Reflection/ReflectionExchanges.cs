using System.Buffers.Binary;
using System.Net;
using System.Text;
using InterTrack.Packets.Reflection;
using PacketDotNet;

namespace InterTrack.Tests.Reflection;

/// <summary>
/// Requests and answers of each reflected protocol in their real wire formats, and the UDP/IP packets around them
/// (built by PacketDotNet). Each exchange also has an answer to another request of the same kind from the same
/// reflector, which must not tie to this one.
/// </summary>
internal static class ReflectionExchanges
{
    /// <param name="Other">An answer with another identity (ID, question, sequence...); null where the protocol has none.</param>
    public sealed record Exchange(string Name, ReflectionProtocol Protocol, byte[] Request, byte[][] Responses, byte[]? Other);

    public static readonly IPAddress Victim4 = IPAddress.Parse("198.51.100.7"), Reflector4 = IPAddress.Parse("203.0.113.53");
    public static readonly IPAddress Victim6 = IPAddress.Parse("2001:db8:7::7"), Reflector6 = IPAddress.Parse("2001:db8:53::53");
    public const ushort VictimPort = 41_234;

    public static IEnumerable<Exchange> All() => [Dns(), NtpMonlist(), NtpControl(), Memcached(), Cldap(), Ssdp()];

    public static Exchange Named(string name) => All().Single(e => e.Name == name);

    /// <summary>The request, from the victim's address (forged) and port to the reflector's service.</summary>
    public static byte[] RequestPacket(Exchange e, bool ipv6 = false, IPAddress? victim = null, ushort victimPort = VictimPort) =>
        Udp(victim ?? (ipv6 ? Victim6 : Victim4), ipv6 ? Reflector6 : Reflector4, victimPort, e.Protocol.Port, e.Request);

    /// <summary>An answer, from the reflector's service to the victim.</summary>
    public static byte[] ResponsePacket(Exchange e, byte[] payload, bool ipv6 = false, IPAddress? victim = null, ushort victimPort = VictimPort,
        IPAddress? reflector = null) =>
        Udp(reflector ?? (ipv6 ? Reflector6 : Reflector4), victim ?? (ipv6 ? Victim6 : Victim4), e.Protocol.Port, victimPort, payload);

    public static byte[] Udp(IPAddress source, IPAddress destination, ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        var udp = new UdpPacket(sourcePort, destinationPort) { PayloadData = payload };
        IPPacket ip = source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? new IPv6Packet(source, destination) { PayloadPacket = udp }
            : new IPv4Packet(source, destination) { PayloadPacket = udp };
        udp.UpdateCalculatedValues();
        ip.UpdateCalculatedValues();
        if (ip is IPv4Packet v4)
        {
            v4.UpdateIPChecksum();
        }
        return ip.Bytes;
    }

    /// <summary>An ANY query for example.com with EDNS (4,096-byte answers), and a large TXT answer that repeats the question.</summary>
    public static Exchange Dns()
    {
        byte[] Query(ushort id, string name, ushort type) =>
            [.. U16(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1, .. DnsName(name), .. U16(type), 0, 1, 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0];
        byte[] Answer(ushort id, string name, ushort type)
        {
            var answer = new List<byte>([.. U16(id), 0x81, 0x80, 0, 1, 0, 8, 0, 0, 0, 0, .. DnsName(name), .. U16(type), 0, 1]);
            for (int i = 0; i < 8; i++)
            {
                byte[] text = Encoding.ASCII.GetBytes(new string((char)('a' + i), 250));
                answer.AddRange([0xC0, 12, 0, 16, 0, 1, 0, 0, 0x0E, 0x10, .. U16((ushort)(text.Length + 1)), (byte)text.Length, .. text]);
            }
            return [.. answer];
        }
        return new("dns", ReflectionProtocol.Dns, Query(0x1A2B, "example.com", 255), [Answer(0x1A2B, "example.com", 255)],
            Answer(0x1A2C, "example.com", 255));
    }

    /// <summary>ntpdc's monlist (mode 7, XNTPD, request code 42) and a two-datagram answer of 72-byte entries.</summary>
    public static Exchange NtpMonlist()
    {
        byte[] Request(byte code) => [0x17, 0x00, 0x03, code, 0, 0, 0, 0, .. new byte[40]];
        byte[] Answer(byte first, byte sequence, byte code, int items) =>
            [first, sequence, 0x03, code, .. U16((ushort)items), 0, 72, .. Enumerable.Range(0, 72 * items).Select(i => (byte)i)];
        // 0xD7: response, more to come, version 2, mode 7; 0x97: the last datagram
        return new("ntp-monlist", ReflectionProtocol.Ntp, Request(42), [Answer(0xD7, 0, 42, 6), Answer(0x97, 1, 42, 4)], Answer(0x97, 0, 20, 6));
    }

    /// <summary>A mode 6 READVAR (opcode 2, ntpq's "rv") and its answer in two fragments of one sequence number.</summary>
    public static Exchange NtpControl()
    {
        byte[] Request(ushort sequence) => [0x16, 0x02, .. U16(sequence), 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] Answer(byte flags, ushort sequence, ushort offset, string text) =>
            [0x16, flags, .. U16(sequence), 0x06, 0x15, 0, 0, .. U16(offset), .. U16((ushort)text.Length), .. Encoding.ASCII.GetBytes(text)];
        const string Variables = "version=\"ntpd 4.2.8p15\", processor=\"x86_64\", system=\"Linux/6.1.0\", leap=0, stratum=2, precision=-23";
        return new("ntp-control", ReflectionProtocol.Ntp, Request(7),
            [Answer(0xA2, 7, 0, Variables), Answer(0x82, 7, (ushort)Variables.Length, ", rootdelay=1.2")], Answer(0x82, 8, 0, Variables));
    }

    /// <summary>A "get" in the UDP frame header and its "VALUE" answer in two datagrams, the request id echoed in both.</summary>
    public static Exchange Memcached()
    {
        byte[] Frame(ushort id, ushort sequence, ushort datagrams, byte[] data) => [.. U16(id), .. U16(sequence), .. U16(datagrams), 0, 0, .. data];
        byte[] value = Encoding.ASCII.GetBytes(new string('x', 2000));
        byte[] reply = [.. Encoding.ASCII.GetBytes("VALUE amp 0 2000\r\n"), .. value, .. Encoding.ASCII.GetBytes("\r\nEND\r\n")];
        return new("memcached", ReflectionProtocol.Memcached, Frame(0x4D2, 0, 1, Encoding.ASCII.GetBytes("get amp\r\n")),
            [Frame(0x4D2, 0, 2, reply[..1400]), Frame(0x4D2, 1, 2, reply[1400..])], Frame(0x4D3, 0, 2, reply[..1400]));
    }

    /// <summary>An Active Directory style rootDSE search and its searchResEntry + searchResDone, one datagram.</summary>
    public static Exchange Cldap()
    {
        byte[] Search(int id) => Ber(0x30, [.. Ber(0x02, [(byte)id]), .. Ber(0x63, [
            .. Ber(0x04, []), .. Ber(0x0A, [0]), .. Ber(0x0A, [0]), .. Ber(0x02, [0]), .. Ber(0x02, [0]), .. Ber(0x01, [0]),
            .. Ber(0x87, Encoding.ASCII.GetBytes("objectClass")), .. Ber(0x30, [])])]);
        byte[] Answer(int id)
        {
            byte[] Attribute(string type, int values) => Ber(0x30, [.. Ber(0x04, Encoding.ASCII.GetBytes(type)),
                .. Ber(0x31, [.. Enumerable.Range(0, values).SelectMany(v => Ber(0x04, Encoding.ASCII.GetBytes($"CN=Part{v},DC=example,DC=com")))])]);
            byte[] entry = Ber(0x30, [.. Ber(0x02, [(byte)id]), .. Ber(0x64, [.. Ber(0x04, []),
                .. Ber(0x30, [.. Attribute("namingContexts", 20), .. Attribute("supportedCapabilities", 12)])])]);
            byte[] done = Ber(0x30, [.. Ber(0x02, [(byte)id]), .. Ber(0x65, [.. Ber(0x0A, [0]), .. Ber(0x04, []), .. Ber(0x04, [])])]);
            return [.. entry, .. done];
        }
        return new("cldap", ReflectionProtocol.Cldap, Search(5), [Answer(5)], Answer(6));
    }

    /// <summary>An M-SEARCH for everything and a device's "200 OK"; SSDP has no identity, so no other answer differs by one.</summary>
    public static Exchange Ssdp() => new("ssdp", ReflectionProtocol.Ssdp,
        Encoding.ASCII.GetBytes("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n"),
        [Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://203.0.113.53:49152/rootDesc.xml\r\n"
            + "SERVER: Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.3\r\nST: upnp:rootdevice\r\nUSN: uuid:3a5c-0001::upnp:rootdevice\r\n\r\n")], null);

    /// <summary>An IPv6 packet with an empty hop-by-hop options header (PadN) put before its UDP header.</summary>
    public static byte[] WithHopByHop(byte[] v6)
    {
        byte[] packet = [.. v6[..6], 0, .. v6[7..40], 17, 0, 1, 4, 0, 0, 0, 0, .. v6[40..]];
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(packet.Length - 40));
        return packet;
    }

    public static byte[] DnsName(string name) =>
        [.. name.Split('.').SelectMany(label => (byte[])[(byte)label.Length, .. Encoding.ASCII.GetBytes(label)]), 0];

    public static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>A BER tag-length-value with a definite length, short or long form as the content needs.</summary>
    public static byte[] Ber(byte tag, byte[] content) => content.Length switch
    {
        < 0x80 => [tag, (byte)content.Length, .. content],
        < 0x100 => [tag, 0x81, (byte)content.Length, .. content],
        _ => [tag, 0x82, .. U16((ushort)content.Length), .. content],
    };
}
