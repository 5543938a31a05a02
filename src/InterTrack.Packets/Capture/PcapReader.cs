using System.Buffers.Binary;

namespace InterTrack.Packets.Capture;

/// <summary>
/// Classic libpcap files: either byte order, microsecond (a1b2c3d4) or nanosecond (a1b23c4d)
/// timestamps.
/// </summary>
internal sealed class PcapReader : CaptureReader
{
    private const int GlobalHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    /// <summary>Above this a record length is damage, not a packet (libpcap's own maximum snapshot length).</summary>
    internal const int MaxRecordLength = 262_144;

    private readonly BlockBuffer _buffer;
    private readonly bool _bigEndian;
    private readonly long _fractionNs;
    private readonly LinkType _linkType;

    public PcapReader(BlockBuffer buffer)
    {
        _buffer = buffer;
        if (!buffer.Ensure(GlobalHeaderLength))
        {
            throw new CaptureFormatException("truncated pcap file header", 0);
        }
        var header = buffer.Peek(GlobalHeaderLength);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        (_bigEndian, _fractionNs) = magic switch
        {
            0xA1B2C3D4 => (false, 1000L),
            0xD4C3B2A1 => (true, 1000L),
            0xA1B23C4D => (false, 1L),
            0x4D3CB2A1 => (true, 1L),
            _ => throw new CaptureFormatException($"not a pcap or pcapng file (magic 0x{magic:x8})", 0),
        };
        // The top bits of the link-type field carry FCS information (pcap-savefile(5)).
        _linkType = (LinkType)(ReadUInt32(header[20..]) & 0xFFFF);
        buffer.Skip(GlobalHeaderLength);
    }

    public override long Offset => _buffer.Offset;

    public override bool TryRead(out CapturedPacket packet)
    {
        packet = default;
        if (!_buffer.Ensure(RecordHeaderLength))
        {
            return _buffer.Available == 0
                ? false
                : throw new CaptureFormatException("truncated packet record header", _buffer.Offset);
        }
        var header = _buffer.Peek(RecordHeaderLength);
        long seconds = ReadUInt32(header);
        long fraction = ReadUInt32(header[4..]);
        uint captured = ReadUInt32(header[8..]);
        uint original = ReadUInt32(header[12..]);
        if (captured > MaxRecordLength)
        {
            throw new CaptureFormatException($"damaged packet record (captured length {captured})", _buffer.Offset);
        }
        if (!_buffer.Ensure(RecordHeaderLength + (int)captured))
        {
            throw new CaptureFormatException("truncated packet record", _buffer.Offset);
        }
        packet = new CapturedPacket(_buffer.Peek(RecordHeaderLength + (int)captured)[RecordHeaderLength..],
            seconds * 1_000_000_000 + fraction * _fractionNs, _linkType, 0, original);
        _buffer.Skip(RecordHeaderLength + (int)captured);
        return true;
    }

    private uint ReadUInt32(ReadOnlySpan<byte> span) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);

    public override void Dispose() => _buffer.Dispose();
}
