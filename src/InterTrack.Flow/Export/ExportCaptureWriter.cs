using System.Buffers.Binary;
using System.Net;
using InterTrack.Packets.Capture;

namespace InterTrack.Flow.Export;

/// <summary>
/// Writes IPFIX messages as a capture of the UDP datagrams an exporter sends its collector (raw
/// IPv4, one datagram per message), the form <c>intertrack flows --read</c> imports.
/// </summary>
public sealed class ExportCaptureWriter(string path, IPAddress exporter, IPAddress collector, ushort collectorPort = 4739) : IDisposable
{
    private readonly PcapWriter _pcap = PcapWriter.Create(path, LinkType.Raw);
    private readonly uint _exporter = BinaryPrimitives.ReadUInt32BigEndian(exporter.GetAddressBytes());
    private readonly uint _collector = BinaryPrimitives.ReadUInt32BigEndian(collector.GetAddressBytes());

    /// <exception cref="ArgumentException">The message does not fit one datagram.</exception>
    public void Write(ReadOnlySpan<byte> message, long timestampNs) =>
        _pcap.Write(Ipv4Packets.Udp(_exporter, _collector, 50000, collectorPort, 0, message), timestampNs);

    public void Dispose() => _pcap.Dispose();
}
