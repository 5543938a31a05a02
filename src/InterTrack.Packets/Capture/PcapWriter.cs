using System.Buffers.Binary;

namespace InterTrack.Packets.Capture;

/// <summary>Writes classic pcap files (little-endian, microsecond or nanosecond timestamps).</summary>
public sealed class PcapWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _nanoseconds;
    private readonly byte[] _header = new byte[16];

    public PcapWriter(Stream stream, LinkType linkType, bool nanoseconds = false, int snapLength = 262_144)
    {
        _stream = stream;
        _nanoseconds = nanoseconds;
        Span<byte> global = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(global, nanoseconds ? 0xA1B23C4D : 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(global[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(global[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(global[16..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(global[20..], (uint)linkType);
        _stream.Write(global);
    }

    public static PcapWriter Create(string path, LinkType linkType, bool nanoseconds = false) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), linkType, nanoseconds);

    public void Write(ReadOnlySpan<byte> frame, long timestampNs)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_header, (uint)(timestampNs / 1_000_000_000));
        long fraction = timestampNs % 1_000_000_000;
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(4), (uint)(_nanoseconds ? fraction : fraction / 1000));
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(8), (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(12), (uint)frame.Length);
        _stream.Write(_header);
        _stream.Write(frame);
    }

    public void Dispose() => _stream.Dispose();
}
