using System.Buffers.Binary;
using InterTrack.Packets.Capture;

namespace InterTrack.Benchmarks;

/// <summary>
/// A capture of small packets for whole-process measurements: 60-byte Ethernet/IPv4/UDP frames
/// of 200,000 flows (so a flow exporter has real work), every packet distinct, 1 µs apart.
/// </summary>
internal static class SyntheticCapture
{
    public static void Write(string path, long packets)
    {
        using var writer = PcapWriter.Create(path, LinkType.Ethernet);
        var frame = new byte[60];
        frame[12] = 0x08; // IPv4
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], 46);
        ip[8] = 64;
        ip[9] = 17; // UDP
        long t0 = 1_764_000_000L * 1_000_000_000;
        for (long i = 0; i < packets; i++)
        {
            int flow = (int)(i % 200_000);
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)i);                   // IP id
            BinaryPrimitives.WriteUInt32BigEndian(ip[12..], 0xC6120000u | (uint)(flow & 0xFFFF)); // 198.18.x.x
            BinaryPrimitives.WriteUInt32BigEndian(ip[16..], 0x0A000000u | (uint)(flow >> 16));    // 10.0.0.x
            BinaryPrimitives.WriteUInt16BigEndian(ip[20..], (ushort)(1024 + flow % 50_000));
            BinaryPrimitives.WriteUInt16BigEndian(ip[22..], 53);
            BinaryPrimitives.WriteUInt16BigEndian(ip[24..], 26);
            BinaryPrimitives.WriteInt64BigEndian(ip[28..], i);                            // payload: the packet number
            writer.Write(frame, t0 + i * 1000);
        }
    }
}
