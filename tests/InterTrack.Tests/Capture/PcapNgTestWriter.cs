using System.Buffers.Binary;
using InterTrack.Packets.Capture;

namespace InterTrack.Tests.Capture;

/// <summary>A minimal pcapng writer for tests: sections, interfaces with if_tsresol, EPB and SPB, either byte order.</summary>
internal sealed class PcapNgTestWriter(Stream stream, bool bigEndian = false) : IDisposable
{
    public void Section() => Block(0x0A0D0D0A, body =>
    {
        U32(body, 0x1A2B3C4D); U16(body, 1); U16(body, 0); U64(body, ulong.MaxValue);
    });

    /// <param name="tsResolution">if_tsresol byte (6 = µs, 9 = ns, 0x80|n = 2^-n); null omits the option.</param>
    public void Interface(LinkType link, byte? tsResolution = null, uint snapLength = 65535) => Block(1, body =>
    {
        U16(body, (ushort)link); U16(body, 0); U32(body, snapLength);
        if (tsResolution is { } r)
        {
            U16(body, 9); U16(body, 1); body.Add(r); body.AddRange(new byte[3]);
            U16(body, 0); U16(body, 0);
        }
    });

    public void Enhanced(int interfaceId, ulong timestampUnits, byte[] frame) => Block(6, body =>
    {
        U32(body, (uint)interfaceId); U32(body, (uint)(timestampUnits >> 32)); U32(body, (uint)timestampUnits);
        U32(body, (uint)frame.Length); U32(body, (uint)frame.Length); Padded(body, frame);
    });

    public void Simple(byte[] frame) => Block(3, body =>
    {
        U32(body, (uint)frame.Length); Padded(body, frame);
    });

    /// <summary>A block type readers must skip (a Name Resolution Block with only its end marker).</summary>
    public void Unknown() => Block(4, body => { U16(body, 0); U16(body, 0); });

    private void Block(uint type, Action<List<byte>> fill)
    {
        var body = new List<byte>();
        fill(body);
        var block = new List<byte>();
        U32(block, type); U32(block, (uint)(body.Count + 12)); block.AddRange(body); U32(block, (uint)(body.Count + 12));
        stream.Write(block.ToArray());
    }

    private static void Padded(List<byte> body, byte[] data)
    {
        body.AddRange(data);
        body.AddRange(new byte[(4 - data.Length % 4) % 4]);
    }

    private void U16(List<byte> b, ushort v)
    {
        var s = new byte[2];
        if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(s, v); else BinaryPrimitives.WriteUInt16LittleEndian(s, v);
        b.AddRange(s);
    }

    private void U32(List<byte> b, uint v)
    {
        var s = new byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(s, v); else BinaryPrimitives.WriteUInt32LittleEndian(s, v);
        b.AddRange(s);
    }

    private void U64(List<byte> b, ulong v)
    {
        var s = new byte[8];
        if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(s, v); else BinaryPrimitives.WriteUInt64LittleEndian(s, v);
        b.AddRange(s);
    }

    public void Dispose() => stream.Dispose();
}
