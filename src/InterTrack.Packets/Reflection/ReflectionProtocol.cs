namespace InterTrack.Packets.Reflection;

/// <summary>
/// A UDP service that reflection attacks use: its port, how it ties an answer to a request, and the bandwidth
/// amplification factor published for it (bytes out ÷ bytes in; US-CERT TA14-017A and its updates), as a range where
/// the published figure is one. One instance per protocol, so instances compare by reference.
/// </summary>
public sealed class ReflectionProtocol
{
    /// <summary>Reads the identity of a request (or of a response) from a UDP payload; null when it is no such message.</summary>
    internal delegate byte[]? IdentityReader(ReadOnlySpan<byte> payload, bool response);

    public static ReflectionProtocol Dns { get; } = new(1, "dns", 53, 28, 54, DnsIdentity.Read);
    public static ReflectionProtocol Ntp { get; } = new(2, "ntp", 123, 556.9, 556.9, NtpIdentity.Read);
    public static ReflectionProtocol Memcached { get; } = new(3, "memcached", 11211, 10_000, 51_000, MemcachedIdentity.Read);
    public static ReflectionProtocol Cldap { get; } = new(4, "cldap", 389, 56, 70, CldapIdentity.Read);
    public static ReflectionProtocol Ssdp { get; } = new(5, "ssdp", 1900, 30.8, 30.8, SsdpIdentity.Read);

    public static IReadOnlyList<ReflectionProtocol> All { get; } = [Dns, Ntp, Memcached, Cldap, Ssdp];

    private ReflectionProtocol(byte code, string name, ushort port, double amplificationLow, double amplificationHigh, IdentityReader readIdentity)
    {
        (Code, Name, Port, AmplificationLow, AmplificationHigh, ReadIdentity) = (code, name, port, amplificationLow, amplificationHigh, readIdentity);
    }

    /// <summary>The name in scenarios, options and reports: "dns", "ntp", "memcached", "cldap", "ssdp".</summary>
    public string Name { get; }

    /// <summary>The service's UDP port: a request goes to it, the answer comes from it.</summary>
    public ushort Port { get; }

    public double AmplificationLow { get; }
    public double AmplificationHigh { get; }

    /// <summary>The protocol's number in a key's encoding: kept stores hold it, so it never changes.</summary>
    internal byte Code { get; }

    internal IdentityReader ReadIdentity { get; }

    /// <summary>The protocol named <paramref name="name"/> (any case), or null.</summary>
    public static ReflectionProtocol? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The protocol served on <paramref name="port"/>, or null; asked for every packet, so without LINQ's allocations.</summary>
    internal static ReflectionProtocol? OfPort(ushort port)
    {
        foreach (var protocol in All)
        {
            if (protocol.Port == port)
            {
                return protocol;
            }
        }
        return null;
    }

    public override string ToString() => Name;
}
