using System.Net;
using InterTrack.Flow;
using InterTrack.Flow.Export;

namespace InterTrack.Tests.Flow;

internal static class FlowTestRecords
{
    public const long T0Ms = 1_700_000_000_000;

    /// <summary>A UDP flow from a forged 198.18.x.y source to 203.0.113.7, seen on interface 3 in, 4 out.</summary>
    public static FlowRecord Udp(int i, uint ingress = 3, uint egress = 4) => new()
    {
        IpVersion = 4,
        Protocol = 17,
        Source = FlowRecord.Address(new IPAddress([198, 18, (byte)(i >> 8), (byte)i])),
        Destination = FlowRecord.Address(IPAddress.Parse("203.0.113.7")),
        SourcePort = (ushort)(1024 + i),
        DestinationPort = 53,
        IngressInterface = ingress,
        EgressInterface = egress,
        StartMs = T0Ms + i,
        EndMs = T0Ms + i + 10,
        Packets = 1,
        Octets = 64,
        SamplingInterval = 1,
    };

    /// <summary>Consecutive IPFIX messages of one exporting process, <paramref name="perMessage"/> records each, templates in every one.</summary>
    public static List<byte[]> Ipfix(int messages, int perMessage, uint domain = 1)
    {
        var writer = new IpfixWriter(domain, templateEvery: 1);
        return [.. Enumerable.Range(0, messages).Select(i => writer.Messages(
            [.. Enumerable.Range(i * perMessage, perMessage).Select(r => Udp(r))], T0Ms).Single())];
    }
}
