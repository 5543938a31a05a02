using System.Buffers.Binary;

namespace InterTrack.Flow.Export;

/// <summary>
/// Encodes flow records as IPFIX messages (RFC 7011), as a router's exporter would: one template
/// for IPv4 and one for IPv6 flows (5-tuple, ToS, ingress and egress interface, packets, octets,
/// flowStart/EndMilliseconds, samplingInterval), sent in the first message and every
/// <paramref name="templateEvery"/> messages after, data sets filling messages up to 1,400 bytes
/// (one UDP datagram on an Ethernet path). Used by emulated routers and by tests.
/// </summary>
public sealed class IpfixWriter(uint observationDomain, int templateEvery = 20)
{
    private const ushort V4Template = 256, V6Template = 257;
    private const int MaxMessage = 1400;
    private static readonly (ushort Id, ushort Length)[] Common =
        [(7, 2), (11, 2), (4, 1), (5, 1), (10, 4), (14, 4), (2, 8), (1, 8), (152, 8), (153, 8), (34, 4)];

    private uint _sequence;
    private int _messages;

    /// <summary>The export messages carrying the records.</summary>
    public List<byte[]> Messages(IReadOnlyList<FlowRecord> records, long exportMs)
    {
        var messages = new List<byte[]>();
        int next = 0;
        do
        {
            var buffer = new byte[MaxMessage];
            int at = 16;
            if (_messages++ % templateEvery == 0)
            {
                at = WriteTemplates(buffer, at);
            }
            int first = next;
            while (next < records.Count)
            {
                int written = WriteDataSet(buffer.AsSpan(at), records, ref next);
                if (written == 0) break;
                at += written;
            }
            BinaryPrimitives.WriteUInt16BigEndian(buffer, 10);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)at);
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), (uint)(exportMs / 1000));
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8), _sequence);
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(12), observationDomain);
            messages.Add(buffer[..at]);
            _sequence += (uint)(next - first); // IPFIX counts the data records sent before a message, not messages
        }
        while (next < records.Count);
        return messages;
    }

    private static int WriteTemplates(Span<byte> buffer, int at)
    {
        int start = at;
        at += 4;
        foreach (var (id, address) in new[] { (V4Template, (ushort)4), (V6Template, (ushort)16) })
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], id);
            BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 2)..], (ushort)(2 + Common.Length));
            at += 4;
            foreach (var (element, length) in address == 4 ? [((ushort)8, address), ((ushort)12, address)]
                : new[] { ((ushort)27, address), ((ushort)28, address) })
            {
                at = Field(buffer, at, element, length);
            }
            foreach (var (element, length) in Common)
            {
                at = Field(buffer, at, element, length);
            }
        }
        BinaryPrimitives.WriteUInt16BigEndian(buffer[start..], 2);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(start + 2)..], (ushort)(at - start));
        return at;
    }

    private static int Field(Span<byte> buffer, int at, ushort element, ushort length)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], element);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 2)..], length);
        return at + 4;
    }

    /// <summary>One data set of consecutive records of the same IP version that fit; 0 when none fits.</summary>
    private static int WriteDataSet(Span<byte> buffer, IReadOnlyList<FlowRecord> records, ref int next)
    {
        byte version = records[next].IpVersion;
        int recordLength = (version == 4 ? 8 : 32) + 50;
        int at = 4;
        while (next < records.Count && records[next].IpVersion == version && at + recordLength <= buffer.Length)
        {
            var r = records[next++];
            int size = version == 4 ? 4 : 16;
            Address(buffer[at..], r.Source, size);
            Address(buffer[(at + size)..], r.Destination, size);
            at += 2 * size;
            BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], r.SourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 2)..], r.DestinationPort);
            buffer[at + 4] = r.Protocol;
            buffer[at + 5] = r.Tos;
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(at + 6)..], r.IngressInterface);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(at + 10)..], r.EgressInterface);
            BinaryPrimitives.WriteUInt64BigEndian(buffer[(at + 14)..], r.Packets);
            BinaryPrimitives.WriteUInt64BigEndian(buffer[(at + 22)..], r.Octets);
            BinaryPrimitives.WriteInt64BigEndian(buffer[(at + 30)..], r.StartMs);
            BinaryPrimitives.WriteInt64BigEndian(buffer[(at + 38)..], r.EndMs);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(at + 46)..], Math.Max(1, r.SamplingInterval));
            at += 50;
        }
        if (at == 4)
        {
            return 0;
        }
        BinaryPrimitives.WriteUInt16BigEndian(buffer, version == 4 ? V4Template : V6Template);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)at);
        return at;
    }

    private static void Address(Span<byte> to, UInt128 address, int size)
    {
        Span<byte> all = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(all, address);
        all[(16 - size)..].CopyTo(to);
    }
}
