using System.Net;
using InterTrack.Flow;
using InterTrack.Flow.Export;

namespace InterTrack.Benchmarks;

/// <summary>
/// A capture of IPFIX export datagrams (raw IPv4/UDP from 192.0.2.1 to port 4739) holding N flow records, for timing
/// <c>intertrack flows --read</c>.
/// </summary>
internal static class ExportCapture
{
    public static void Write(string path, long records)
    {
        long startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var writer = new IpfixWriter(1, templateEvery: 50);
        using var capture = new ExportCaptureWriter(path, IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.9"));
        var batch = new List<FlowRecord>(26);
        for (long i = 0; i < records; i += batch.Count)
        {
            batch.Clear();
            for (long j = i; j < Math.Min(records, i + 26); j++)
            {
                batch.Add(new FlowRecord
                {
                    IpVersion = 4, Protocol = 17, Source = FlowRecord.Address(new IPAddress(BitConverter.GetBytes((uint)(0x12C6 + (j << 16))))),
                    Destination = FlowRecord.Address(IPAddress.Parse("203.0.113.7")), SourcePort = (ushort)(1024 + j % 60000), DestinationPort = 53,
                    IngressInterface = 3, EgressInterface = 4, StartMs = startMs + j / 1000, EndMs = startMs + j / 1000 + 5, Packets = 1, Octets = 64,
                });
            }
            foreach (var message in writer.Messages(batch, startMs + i / 1000))
            {
                capture.Write(message, (startMs + i / 1000) * 1_000_000);
            }
        }
    }
}
