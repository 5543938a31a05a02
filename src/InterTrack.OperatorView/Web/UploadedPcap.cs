using InterTrack.Packets.Capture;

namespace InterTrack.OperatorView.Web;

/// <summary>The IP packets of an uploaded capture (pcap or pcapng), with their capture times.</summary>
internal static class UploadedPcap
{
    /// <exception cref="FormatException">Not a capture, damaged, or without IP packets (the message says which).</exception>
    public static List<(byte[] IpPacket, long TimestampNs)> Read(Stream stream, int maxPackets)
    {
        var packets = new List<(byte[], long)>();
        try
        {
            using var reader = CaptureReader.Open(stream);
            while (reader.TryRead(out var packet))
            {
                int offset = IpLocator.FindIp(packet.Data, packet.LinkType);
                if (offset < 0)
                {
                    continue;
                }
                if (packets.Count == maxPackets)
                {
                    throw new FormatException($"more than {maxPackets} IP packets; trace a smaller capture");
                }
                packets.Add((packet.Data[offset..].ToArray(), packet.TimestampNs));
            }
        }
        catch (Exception e) when (e is CaptureFormatException or IOException)
        {
            throw new FormatException($"not a readable pcap or pcapng capture: {e.Message}", e);
        }
        return packets.Count > 0 ? packets : throw new FormatException("the capture holds no IP packet");
    }
}
