using System.Buffers.Binary;
using System.Net;
using InterTrack.Capture;
using InterTrack.Flow;
using InterTrack.Flow.Export;

namespace InterTrack.Benchmarks;

/// <summary>A capture of IPFIX export datagrams (raw IPv4/UDP from 192.0.2.1 to port 4739) holding N flow records, for timing <c>intertrack flows --read</c>.</summary>
internal static class ExportCapture
{
    public static void Write(string path, long records)
    {
        long startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var writer = new IpfixWriter(1, templateEvery: 50);
        using var pcap = PcapWriter.Create(path, LinkType.Raw);
        var batch = new List<FlowRecord>(26);
        var frame = new byte[1500];
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
                int length = 28 + message.Length;
                frame.AsSpan(0, 28).Clear();
                frame[0] = 0x45;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)length);
                frame[8] = 64;
                frame[9] = 17;
                IPAddress.Parse("192.0.2.1").TryWriteBytes(frame.AsSpan(12), out _);
                IPAddress.Parse("192.0.2.9").TryWriteBytes(frame.AsSpan(16), out _);
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(20), 50000);
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(22), 4739);
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(24), (ushort)(8 + message.Length));
                message.CopyTo(frame.AsSpan(28));
                pcap.Write(frame.AsSpan(0, length), (startMs + i / 1000) * 1_000_000);
            }
        }
    }
}
