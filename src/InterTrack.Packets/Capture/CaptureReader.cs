using System.Buffers.Binary;

namespace InterTrack.Packets.Capture;

/// <summary>Reads frames from a pcap or pcapng file, whichever the file's magic number says.</summary>
public abstract class CaptureReader : IDisposable
{
    /// <summary>Opens a capture file (or any stream holding one).</summary>
    /// <exception cref="CaptureFormatException">Not a pcap or pcapng file.</exception>
    public static CaptureReader Open(Stream stream)
    {
        var buffer = new BlockBuffer(stream);
        if (!buffer.Ensure(4))
        {
            buffer.Dispose();
            throw new CaptureFormatException("file too short for a capture header", 0);
        }
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(buffer.Peek(4));
        try
        {
            return magic == PcapNgReader.SectionHeaderType ? new PcapNgReader(buffer) : new PcapReader(buffer);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <exception cref="IOException">No such file, or a directory.</exception>
    public static CaptureReader Open(string path) => Directory.Exists(path)
        ? throw new IOException($"{path} is a directory, not a capture file")
        : Open(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan));

    /// <summary>
    /// The next frame; false at the end of the file.
    /// </summary>
    /// <exception cref="CaptureFormatException">The file is damaged here; frames returned before are good.</exception>
    public abstract bool TryRead(out CapturedPacket packet);

    /// <summary>File offset just past the last frame returned.</summary>
    public abstract long Offset { get; }

    public abstract void Dispose();
}
