using System.Buffers.Binary;

namespace InterTrack.Packets.Capture;

/// <summary>
/// pcapng files: any number of sections (either byte order) and interfaces, each interface with
/// its own link type and timestamp resolution (if_tsresol). Enhanced and Simple Packet Blocks
/// carry frames; other blocks are skipped. A Simple Packet Block has no timestamp: it takes the
/// time of the last timestamped frame before it (0 if none), which is as close as the file knows.
/// </summary>
internal sealed class PcapNgReader : CaptureReader
{
    internal const uint SectionHeaderType = 0x0A0D0D0A;
    private const uint InterfaceDescriptionType = 1;
    private const uint SimplePacketType = 3;
    private const uint EnhancedPacketType = 6;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const int MaxBlockLength = PcapReader.MaxRecordLength + 4096;

    private readonly BlockBuffer _buffer;
    private readonly List<(LinkType Link, uint SnapLength, long UnitsPerSecond)> _interfaces = [];
    private bool _bigEndian;
    private long _lastTimestampNs;

    public PcapNgReader(BlockBuffer buffer) => _buffer = buffer;

    public override long Offset => _buffer.Offset;

    public override bool TryRead(out CapturedPacket packet)
    {
        packet = default;
        while (true)
        {
            long offset = _buffer.Offset;
            if (!_buffer.Ensure(12))
            {
                return _buffer.Available == 0 ? false : throw new CaptureFormatException("truncated block header", offset);
            }
            var head = _buffer.Peek(12);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(head); // SHB type reads the same either way
            if (type == SectionHeaderType)
            {
                uint magic = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
                _bigEndian = magic switch
                {
                    ByteOrderMagic => false,
                    0x4D3C2B1A => true,
                    _ => throw new CaptureFormatException("bad byte-order magic in section header", offset),
                };
                _interfaces.Clear();
            }
            else
            {
                type = U32(head);
            }
            uint length = U32(head[4..]);
            if (length < 12 || length % 4 != 0 || length > MaxBlockLength)
            {
                throw new CaptureFormatException($"damaged block (length {length})", offset);
            }
            if (!_buffer.Ensure((int)length))
            {
                throw new CaptureFormatException("truncated block", offset);
            }
            var block = _buffer.Peek((int)length);
            if (U32(block[^4..]) != length)
            {
                throw new CaptureFormatException("damaged block (trailing length differs)", offset);
            }
            var body = block[8..^4];
            bool found = type switch
            {
                InterfaceDescriptionType => AddInterface(body, offset),
                EnhancedPacketType => ReadEnhanced(body, offset, out packet),
                SimplePacketType => ReadSimple(body, offset, out packet),
                _ => false,
            };
            _buffer.Skip((int)length);
            if (found)
            {
                return true;
            }
        }
    }

    private bool AddInterface(ReadOnlySpan<byte> body, long offset)
    {
        if (body.Length < 8)
        {
            throw new CaptureFormatException("damaged interface description", offset);
        }
        var link = (LinkType)U16(body);
        uint snap = U32(body[4..]);
        long unitsPerSecond = 1_000_000; // default resolution: microseconds
        var options = body[8..];
        while (options.Length >= 4)
        {
            ushort code = U16(options);
            ushort optionLength = U16(options[2..]);
            if (code == 0 || 4 + optionLength > options.Length)
            {
                break;
            }
            if (code == 9 && optionLength >= 1) // if_tsresol
            {
                byte resolution = options[4];
                int exponent = resolution & 0x7F;
                if (exponent > 62 || ((resolution & 0x80) == 0 && exponent > 18))
                {
                    throw new CaptureFormatException($"unsupported timestamp resolution 0x{resolution:x2}", offset);
                }
                unitsPerSecond = (resolution & 0x80) != 0 ? 1L << exponent : (long)Math.Pow(10, exponent);
            }
            options = options[Math.Min(options.Length, 4 + ((optionLength + 3) & ~3))..];
        }
        _interfaces.Add((link, snap, unitsPerSecond));
        return false;
    }

    private bool ReadEnhanced(ReadOnlySpan<byte> body, long offset, out CapturedPacket packet)
    {
        if (body.Length < 20)
        {
            throw new CaptureFormatException("damaged enhanced packet block", offset);
        }
        int interfaceId = (int)U32(body);
        if ((uint)interfaceId >= (uint)_interfaces.Count)
        {
            throw new CaptureFormatException($"packet of undeclared interface {interfaceId}", offset);
        }
        var (link, _, unitsPerSecond) = _interfaces[interfaceId];
        ulong units = ((ulong)U32(body[4..]) << 32) | U32(body[8..]);
        uint captured = U32(body[12..]);
        uint original = U32(body[16..]);
        if (captured > body.Length - 20)
        {
            throw new CaptureFormatException($"damaged enhanced packet block (captured length {captured})", offset);
        }
        _lastTimestampNs = ToNanoseconds(units, unitsPerSecond);
        packet = new CapturedPacket(body.Slice(20, (int)captured), _lastTimestampNs, link, interfaceId, original);
        return true;
    }

    private bool ReadSimple(ReadOnlySpan<byte> body, long offset, out CapturedPacket packet)
    {
        if (body.Length < 4 || _interfaces.Count == 0)
        {
            throw new CaptureFormatException("damaged simple packet block", offset);
        }
        var (link, snap, _) = _interfaces[0];
        uint original = U32(body);
        int captured = (int)Math.Min(Math.Min(original, snap == 0 ? uint.MaxValue : snap), (uint)(body.Length - 4));
        packet = new CapturedPacket(body.Slice(4, captured), _lastTimestampNs, link, 0, original);
        return true;
    }

    private static long ToNanoseconds(ulong units, long unitsPerSecond)
    {
        ulong seconds = units / (ulong)unitsPerSecond;
        ulong remainder = units % (ulong)unitsPerSecond;
        return (long)(seconds * 1_000_000_000 + (ulong)((UInt128)remainder * 1_000_000_000 / (ulong)unitsPerSecond));
    }

    private uint U32(ReadOnlySpan<byte> span) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);

    private ushort U16(ReadOnlySpan<byte> span) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);

    public override void Dispose() => _buffer.Dispose();
}
