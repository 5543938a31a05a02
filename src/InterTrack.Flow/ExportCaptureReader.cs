using System.Buffers.Binary;
using System.Net;
using InterTrack.Packets.Capture;

namespace InterTrack.Flow;

/// <summary>What importing a capture of exports gave.</summary>
/// <param name="Damage">The capture's damage, if it ended in one; the messages before it were imported.</param>
public sealed record ExportImport(long Frames, long ExportDatagrams, long Records, CaptureFormatException? Damage);

/// <summary>
/// Replays export messages captured in a pcap or pcapng file (UDP datagrams to a collector, from
/// any port) into a collector, the exporter being each datagram's IP source: so exports recorded
/// with tcpdump can be stored and traced later. IPFIX over TCP in a capture is not reassembled.
/// </summary>
public static class ExportCaptureReader
{
    /// <exception cref="CaptureFormatException">Not a capture file.</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    public static ExportImport Import(string path, FlowCollector collector)
    {
        using var reader = CaptureReader.Open(path);
        long frames = 0, datagrams = 0, before = collector.Records;
        try
        {
            while (reader.TryRead(out var packet))
            {
                frames++;
                int at = IpLocator.FindIp(packet.Data, packet.LinkType);
                if (at >= 0 && Udp(packet.Data[at..]) is var (exporter, port, payload) && payload.Length >= 2
                    && BinaryPrimitives.ReadUInt16BigEndian(packet.Data[(at + payload.Start)..]) is 9 or 10)
                {
                    datagrams++;
                    collector.Receive(packet.Data.Slice(at + payload.Start, payload.Length), exporter, port);
                }
            }
        }
        catch (CaptureFormatException e)
        {
            return new ExportImport(frames, datagrams, collector.Records - before, e);
        }
        collector.Finish();
        return new ExportImport(frames, datagrams, collector.Records - before, null);
    }

    /// <summary>The source address and port and the payload's place of a whole, unfragmented UDP datagram; null for anything else.</summary>
    private static (IPAddress Source, int Port, (int Start, int Length) Payload)? Udp(ReadOnlySpan<byte> ip)
    {
        if (ip.Length < 20)
        {
            return null;
        }
        int header, total;
        IPAddress source;
        if (ip[0] >> 4 == 4)
        {
            header = (ip[0] & 0x0F) * 4;
            total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            if (ip[9] != 17 || (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3FFF) != 0 || header < 20)
            {
                return null;
            }
            source = new IPAddress(ip.Slice(12, 4));
        }
        else if (ip[0] >> 4 == 6 && ip.Length >= 40 && ip[6] == 17)
        {
            header = 40;
            total = 40 + BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
            source = new IPAddress(ip.Slice(8, 16));
        }
        else
        {
            return null;
        }
        int end = Math.Min(total, ip.Length);
        return end < header + 8 ? null : (source, BinaryPrimitives.ReadUInt16BigEndian(ip[header..]), (header + 8, end - header - 8));
    }
}
