using System.Globalization;
using System.Xml.Linq;

namespace InterTrack.Rid;

/// <summary>
/// The attack packets an IODEF document carries, for a trace: every <c>RecordItem</c> of dtype
/// <c>ipv4-packet</c>, <c>ipv6-packet</c> or <c>packet</c> (hex, as RFC 7970 encodes them; base64
/// accepted), IODEF 2.0 or 1.0, with the <c>DateTime</c> of its <c>RecordData</c> as the capture
/// time (0 when absent: the D Point then searches all the evidence kept).
/// </summary>
internal static class IodefPackets
{
    public const int MaxPackets = 1024;

    /// <exception cref="FormatException">No packet, too many, or one that is not an IPv4/IPv6 packet (the message says which).</exception>
    public static List<(byte[] IpPacket, long TimestampNs)> Read(XContainer document)
    {
        var items = document.Descendants().Where(e => e.Name.LocalName == "RecordItem" && (e.Name.Namespace == Iodef.Ns || e.Name.Namespace == Iodef.Ns1)
            && (string?)e.Attribute("dtype") is "ipv4-packet" or "ipv6-packet" or "packet").ToList();
        if (items.Count == 0)
        {
            throw new FormatException("the IODEF document carries no packet (RecordItem dtype=\"ipv4-packet\", \"ipv6-packet\" or \"packet\")");
        }
        if (items.Count > MaxPackets)
        {
            throw new FormatException($"the IODEF document carries {items.Count} packets; at most {MaxPackets} are traced at once");
        }
        var packets = new List<(byte[], long)>(items.Count);
        foreach (var item in items)
        {
            byte[] ip = Decode(item.Value.Trim());
            if (ip.Length < 20 || (ip[0] >> 4) is not (4 or 6))
            {
                throw new FormatException($"RecordItem {packets.Count + 1} is not an IPv4 or IPv6 packet");
            }
            var time = item.Parent?.Elements().FirstOrDefault(e => e.Name.LocalName == "DateTime")?.Value;
            long ns = time is not null && DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? (at - DateTimeOffset.UnixEpoch).Ticks * 100 : 0;
            packets.Add((ip, ns));
        }
        return packets;
    }

    private static byte[] Decode(string text)
    {
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            try
            {
                return Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new FormatException("a RecordItem packet is neither hex nor base64");
            }
        }
    }
}
