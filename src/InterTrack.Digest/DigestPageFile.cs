using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace InterTrack.Digest;

/// <summary>
/// The on-disk form of a digest page (docs/digest.md, "Page files"): a 64-byte header, the link
/// name, the bitmap as little-endian 64-bit words, and an XxHash64 of everything before it.
/// Everything is checked on load; a damaged file is refused, never half-used.
/// </summary>
internal static class DigestPageFile
{
    public const string Extension = ".itd";
    public const ushort Version = 1;
    private static readonly byte[] Magic = "ITDIGEST"u8.ToArray();
    private const int FixedHeader = 64;

    /// <summary>Writes the page atomically (temporary file, then rename) into the directory; returns its path.</summary>
    public static string Save(DigestPage page, string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName(page));
        string temporary = path + ".tmp";
        var name = Encoding.UTF8.GetBytes(page.Link);
        var header = new byte[FixedHeader + name.Length];
        Magic.CopyTo(header, 0);
        var h = header.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], Version);
        h[10] = (byte)page.Hashes;
        h[11] = (byte)page.Scheme; // 0 (xxh3) in pages written before schemes existed
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)name.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(h[16..], page.Seed);
        BinaryPrimitives.WriteInt64LittleEndian(h[24..], page.StartNs);
        BinaryPrimitives.WriteInt64LittleEndian(h[32..], page.EndNs);
        BinaryPrimitives.WriteInt64LittleEndian(h[40..], page.Count);
        BinaryPrimitives.WriteInt64LittleEndian(h[48..], page.Capacity);
        BinaryPrimitives.WriteInt64LittleEndian(h[56..], page.BitCount);
        name.CopyTo(header, FixedHeader);

        var checksum = new XxHash64();
        var bitmap = MemoryMarshal.AsBytes(page.Words);
        checksum.Append(header);
        checksum.Append(bitmap);
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            file.Write(header);
            file.Write(bitmap);
            file.Write(checksum.GetCurrentHash());
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>A page file's header: what a page covers, without its bitmap.</summary>
    public sealed record Header(string Path, string Link, ulong Seed, int Hashes, long Bits, long Capacity, long Count, long StartNs, long EndNs,
        DigestScheme Scheme)
    {
        public long Bytes => Bits / 8;
    }

    /// <summary>Reads only the header: enough to know a page's link and time span before loading its bitmap.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid page file; the message says what is wrong.</exception>
    public static Header ReadHeader(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        return ReadHeader(file, path, out _, out _);
    }

    private static Header ReadHeader(FileStream file, string path, out byte[] fixedHeader, out byte[] name)
    {
        fixedHeader = new byte[FixedHeader];
        var h = fixedHeader.AsSpan();
        if (file.ReadAtLeast(h, FixedHeader, throwOnEndOfStream: false) < FixedHeader || !h[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not an InterTrack digest page");
        }
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
        if (version != Version)
        {
            throw new InvalidDataException($"{path}: page format version {version}, this build reads {Version}");
        }
        int hashes = h[10];
        if (!Enum.IsDefined((DigestScheme)h[11]))
        {
            throw new InvalidDataException($"{path}: unknown digest scheme {h[11]} (this build reads xxh3 and packter-md5)");
        }
        uint nameLength = BinaryPrimitives.ReadUInt32LittleEndian(h[12..]);
        long bits = BinaryPrimitives.ReadInt64LittleEndian(h[56..]);
        long capacity = BinaryPrimitives.ReadInt64LittleEndian(h[48..]);
        long count = BinaryPrimitives.ReadInt64LittleEndian(h[40..]);
        if (hashes is < 1 or > DigestOptions.MaxHashes || nameLength > 1024 || bits <= 0 || bits % 64 != 0 || bits > uint.MaxValue + 1L
            || capacity < 1 || count < 0 || file.Length != FixedHeader + nameLength + bits / 8 + 8)
        {
            throw new InvalidDataException($"{path}: damaged page header (or the file is truncated)");
        }
        name = new byte[nameLength];
        file.ReadExactly(name);
        return new Header(path, Encoding.UTF8.GetString(name), BinaryPrimitives.ReadUInt64LittleEndian(h[16..]), hashes, bits, capacity, count,
            BinaryPrimitives.ReadInt64LittleEndian(h[24..]), BinaryPrimitives.ReadInt64LittleEndian(h[32..]), (DigestScheme)h[11]);
    }

    /// <exception cref="InvalidDataException">The file is not a valid page file; the message says what is wrong.</exception>
    public static DigestPage Load(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var header = ReadHeader(file, path, out var fixedHeader, out var name);
        var page = new DigestPage(header.Link, header.Seed, header.Hashes, header.Bits, header.Capacity, header.StartNs, header.Scheme)
        {
            EndNs = header.EndNs,
            Count = header.Count,
        };
        try
        {
            var bitmap = MemoryMarshal.AsBytes(page.Words);
            file.ReadExactly(bitmap);
            Span<byte> stored = stackalloc byte[8];
            file.ReadExactly(stored);
            var checksum = new XxHash64();
            checksum.Append(fixedHeader);
            checksum.Append(name);
            checksum.Append(bitmap);
            if (!checksum.GetCurrentHash().AsSpan().SequenceEqual(stored))
            {
                throw new InvalidDataException($"{path}: checksum mismatch, the page is damaged");
            }
            page.Seal(); // a page file holds a sealed page
            return page;
        }
        catch
        {
            page.Dispose();
            throw;
        }
    }

    private static string FileName(DigestPage page)
    {
        var safe = new StringBuilder(page.Link.Length);
        foreach (char c in page.Link)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }
        // Pages of one link may start at the same instant (a full page at a burst): a random tail keeps names apart.
        return FormattableString.Invariant($"{safe}-{page.StartNs}-{Random.Shared.Next():x8}{Extension}");
    }
}
