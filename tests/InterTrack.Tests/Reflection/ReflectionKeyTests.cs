using System.Net;
using InterTrack.Packets.Reflection;
using static InterTrack.Tests.Reflection.ReflectionExchanges;

namespace InterTrack.Tests.Reflection;

/// <summary>
/// A reflector's answer gives the key of the request that caused it, and only of that one: what an evidence store at the
/// reflector's edge relies on to find the forged requests from the answers the victim holds.
/// </summary>
public sealed class ReflectionKeyTests
{
    public static TheoryData<string, bool> Exchanges()
    {
        var data = new TheoryData<string, bool>();
        foreach (var e in All())
        {
            data.Add(e.Name, false);
            data.Add(e.Name, true);
        }
        return data;
    }

    public static TheoryData<string> WithIdentity() => [.. All().Where(e => e.Other is not null).Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Exchanges))]
    public void Every_answer_gives_the_key_of_its_request(string name, bool ipv6)
    {
        var e = Named(name);
        var request = ReflectionKey.OfRequest(RequestPacket(e, ipv6));
        Assert.NotNull(request);
        Assert.Equal((e.Protocol, ipv6 ? Victim6 : Victim4, VictimPort, ipv6 ? Reflector6 : Reflector4, e.Protocol.Port),
            (request.Protocol, request.Victim, request.VictimPort, request.Reflector, request.ReflectorPort));
        var keys = new Dictionary<ReflectionKey, string> { [request] = name };
        foreach (var payload in e.Responses)
        {
            var response = ReflectionKey.OfResponse(ResponsePacket(e, payload, ipv6));
            Assert.Equal(request, response);
            Assert.Equal(request.ToBytes(), response!.ToBytes());
            Assert.Equal(request.Hash(), response.Hash());
            Assert.True(keys.ContainsKey(response));
            Assert.True(payload.Length > e.Request.Length, "an answer that amplifies");
        }
    }

    [Theory]
    [MemberData(nameof(WithIdentity))]
    public void An_answer_to_another_request_gives_another_key(string name)
    {
        var e = Named(name);
        var request = ReflectionKey.OfRequest(RequestPacket(e));
        var other = ReflectionKey.OfResponse(ResponsePacket(e, e.Other!));
        Assert.NotNull(other);
        Assert.NotEqual(request, other);
        Assert.NotEqual(request!.Hash(), other.Hash());
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public void An_answer_to_another_victim_port_or_from_another_reflector_gives_another_key(string name, bool ipv6)
    {
        var e = Named(name);
        var request = ReflectionKey.OfRequest(RequestPacket(e, ipv6));
        var payload = e.Responses[0];
        var otherVictim = ipv6 ? IPAddress.Parse("2001:db8:7::8") : IPAddress.Parse("198.51.100.8");
        var otherReflector = ipv6 ? IPAddress.Parse("2001:db8:53::54") : IPAddress.Parse("203.0.113.54");
        Assert.NotEqual(request, ReflectionKey.OfResponse(ResponsePacket(e, payload, ipv6, victim: otherVictim)));
        Assert.NotEqual(request, ReflectionKey.OfResponse(ResponsePacket(e, payload, ipv6, victimPort: VictimPort + 1)));
        Assert.NotEqual(request, ReflectionKey.OfResponse(ResponsePacket(e, payload, ipv6, reflector: otherReflector)));
        Assert.NotNull(ReflectionKey.OfResponse(ResponsePacket(e, payload, ipv6, victimPort: VictimPort + 1)));
    }

    [Fact]
    public void A_dns_answer_to_another_question_gives_another_key_and_case_does_not_matter()
    {
        var e = Dns();
        var request = ReflectionKey.OfRequest(RequestPacket(e));
        byte[] Renamed(string name, ushort type) =>
            [.. e.Responses[0][..12], .. DnsName(name), .. U16(type), .. e.Responses[0][(12 + DnsName("example.com").Length + 2)..]];
        Assert.NotEqual(request, ReflectionKey.OfResponse(ResponsePacket(e, Renamed("example.org", 255))));
        Assert.NotEqual(request, ReflectionKey.OfResponse(ResponsePacket(e, Renamed("example.com", 16))));
        Assert.Equal(request, ReflectionKey.OfResponse(ResponsePacket(e, Renamed("ExAmple.COM", 255)))); // RFC 4343; 0x20 mixing
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public void A_request_is_no_answer_and_an_answer_no_request(string name, bool ipv6)
    {
        var e = Named(name);
        byte[] request = RequestPacket(e, ipv6), response = ResponsePacket(e, e.Responses[0], ipv6);
        Assert.Null(ReflectionKey.OfResponse(request));
        Assert.Null(ReflectionKey.OfRequest(response));
        // Sent between the service's own ports (NTP's symmetric 123 → 123), the payload alone tells them apart.
        var port = e.Protocol.Port;
        byte[] requestFromPort = Udp(ipv6 ? Victim6 : Victim4, ipv6 ? Reflector6 : Reflector4, port, port, e.Request);
        Assert.NotNull(ReflectionKey.OfRequest(requestFromPort));
        Assert.Null(ReflectionKey.OfResponse(requestFromPort));
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public void Another_service_port_is_no_reflection(string name, bool ipv6)
    {
        var e = Named(name);
        byte[] request = Udp(ipv6 ? Victim6 : Victim4, ipv6 ? Reflector6 : Reflector4, VictimPort, 5353, e.Request);
        byte[] response = Udp(ipv6 ? Reflector6 : Reflector4, ipv6 ? Victim6 : Victim4, 5353, VictimPort, e.Responses[0]);
        Assert.Null(ReflectionKey.OfRequest(request));
        Assert.Null(ReflectionKey.OfResponse(response));
    }

    [Fact]
    public void Ntp_time_queries_and_tcp_are_no_reflection()
    {
        byte[] client = [0x23, .. new byte[47]], server = [0x24, .. new byte[47]]; // NTPv4 modes 3 and 4
        Assert.Null(ReflectionKey.OfRequest(Udp(Victim4, Reflector4, VictimPort, 123, client)));
        Assert.Null(ReflectionKey.OfResponse(Udp(Reflector4, Victim4, 123, VictimPort, server)));
        var tcp = Packets.Capture.Ipv4Packets.TcpSyn(0xC6336407, 0xCB007135, VictimPort, 53, 1, 1);
        Assert.Null(ReflectionKey.OfRequest(tcp));
    }

    [Fact]
    public void The_first_fragment_of_a_large_answer_ties_and_later_fragments_do_not()
    {
        var e = Dns();
        var request = ReflectionKey.OfRequest(RequestPacket(e));
        byte[] whole = ResponsePacket(e, e.Responses[0]);
        Assert.True(whole.Length > 1500);
        byte[] first = whole[..1480];
        first[2] = 1480 >> 8;
        first[3] = 1480 & 0xFF;
        first[6] |= 0x20; // more fragments
        Assert.Equal(request, ReflectionKey.OfResponse(first));
        byte[] later = (byte[])first.Clone();
        later[7] = 1480 / 8; // fragment offset
        Assert.Null(ReflectionKey.OfResponse(later));
        byte[] v6 = ResponsePacket(e, e.Responses[0], ipv6: true);
        byte[] fragmented = [.. v6[..6], 44, .. v6[7..40], 17, 0, 0, 1, 0, 0, 0, 9, .. v6[40..1400]]; // offset 0, more fragments
        fragmented[4] = (1400 - 40 + 8) >> 8;
        fragmented[5] = (1400 - 40 + 8) & 0xFF;
        Assert.Equal(ReflectionKey.OfRequest(RequestPacket(e, ipv6: true)), ReflectionKey.OfResponse(fragmented));
    }

    [Fact]
    public void An_ipv6_request_behind_extension_headers_is_read()
    {
        var e = Dns();
        byte[] plain = RequestPacket(e, ipv6: true);
        byte[] hopByHop = WithHopByHop(plain);
        Assert.Equal(ReflectionKey.OfRequest(plain), ReflectionKey.OfRequest(hopByHop));
        Assert.Null(ReflectionKey.OfRequest(hopByHop.AsSpan(..44))); // cut inside the chain
    }

    [Fact]
    public void A_key_made_from_its_parts_equals_the_key_read_from_the_packet()
    {
        var e = Memcached();
        var read = ReflectionKey.OfRequest(RequestPacket(e));
        var made = new ReflectionKey(ReflectionProtocol.Memcached, Victim4.MapToIPv6(), VictimPort, Reflector4, 11211, [0x04, 0xD2]);
        Assert.Equal(read, made);
        Assert.Equal(read!.GetHashCode(), made.GetHashCode());
        Assert.Equal(32, made.Hash().Length);
        Assert.Equal("memcached 203.0.113.53:11211 -> 198.51.100.7:41234, id 04d2", made.ToString());
        Assert.Throws<ArgumentException>(() => new ReflectionKey(ReflectionProtocol.Dns, Victim4, 1, Reflector6, 53, []));
    }

    [Fact]
    public void The_encoding_is_stable()
    {
        // Stores keep these bytes: a change here breaks every kept key, so it needs a new format version instead.
        var key = new ReflectionKey(ReflectionProtocol.Cldap, Victim4, VictimPort, Reflector4, 389, [0, 0, 0, 5]);
        Assert.Equal("01" + "04" + "04" + "c6336407" + "a112" + "cb007135" + "0185" + "0004" + "00000005", Convert.ToHexStringLower(key.ToBytes()));
    }
}
