using InterTrack.Packets.Reflection;

namespace InterTrack.Tests.Reflection;

/// <summary>The protocols, their ports and the published amplification factors that reports quote.</summary>
public sealed class ReflectionProtocolTests
{
    [Fact]
    public void Each_protocol_has_its_port_and_published_amplification_factor()
    {
        // US-CERT TA14-017A and its updates, as docs ARCHITECTURE 6b lists them: bandwidth amplification, bytes out ÷ bytes in.
        var expected = new (string Name, ushort Port, double Low, double High)[]
        {
            ("dns", 53, 28, 54), ("ntp", 123, 556.9, 556.9), ("memcached", 11211, 10_000, 51_000), ("cldap", 389, 56, 70), ("ssdp", 1900, 30.8, 30.8),
        };
        Assert.Equal(expected, ReflectionProtocol.All.Select(p => (p.Name, p.Port, p.AmplificationLow, p.AmplificationHigh)));
    }

    [Fact]
    public void A_protocol_is_found_by_its_name_in_any_case_and_an_unknown_name_is_none()
    {
        Assert.Same(ReflectionProtocol.Memcached, ReflectionProtocol.Find("Memcached"));
        Assert.Same(ReflectionProtocol.Dns, ReflectionProtocol.Find("dns"));
        Assert.Null(ReflectionProtocol.Find("chargen"));
        Assert.Equal("cldap", ReflectionProtocol.Cldap.ToString());
    }
}
