using System.Buffers.Binary;
using System.Net;
using InterTrack.Capture;

namespace InterTrack.Flow.Export;

/// <summary>
/// Writes IPFIX messages as a capture of the UDP datagrams an exporter sends its collector (raw
/// IPv4, one datagram per message), the form <c>intertrack flows --read</c> imports.
/// </summary>
public sealed class ExportCaptureWriter(string path, IPAddress exporter, IPAddress collector, ushort collectorPort = 4739) : IDisposable
{
    private readonly PcapWriter _pcap = PcapWriter.Create(path, LinkType.Raw);
    private readonly byte[] _frame = new byte[65535];

    public void Write(ReadOnlySpan<byte> message, long timestampNs)
    {
        int length = 28 + message.Length;
        if (length > _frame.Length)
        {
            throw new ArgumentException($"an IPFIX message of {message.Length} bytes does not fit one datagram", nameof(message));
        }
        _frame.AsSpan(0, 28).Clear();
        _frame[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(_frame.AsSpan(2), (ushort)length);
        _frame[8] = 64;
        _frame[9] = 17;
        exporter.TryWriteBytes(_frame.AsSpan(12), out _);
        collector.TryWriteBytes(_frame.AsSpan(16), out _);
        BinaryPrimitives.WriteUInt16BigEndian(_frame.AsSpan(20), 50000);
        BinaryPrimitives.WriteUInt16BigEndian(_frame.AsSpan(22), collectorPort);
        BinaryPrimitives.WriteUInt16BigEndian(_frame.AsSpan(24), (ushort)(8 + message.Length));
        message.CopyTo(_frame.AsSpan(28));
        _pcap.Write(_frame.AsSpan(0, length), timestampNs);
    }

    public void Dispose() => _pcap.Dispose();
}
