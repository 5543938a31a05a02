using System.Buffers.Binary;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace InterTrack.Flow.Store;

/// <summary>
/// One time partition of a flow store: a data file of fixed-size records ("flows-START.itf",
/// appended to while open) and, once sealed, an index file beside it (".itx": record count, the
/// time span of its flows, then (key hash, record number) pairs sorted by hash). An open segment
/// keeps the hash of each record appended or read, and chains them by hash in memory only when
/// a query comes (appending stays a sequential write: a hash table of a million keys costs a
/// cache miss a record); a sealed one loads its index only when a query falls into its time span.
/// </summary>
internal sealed class FlowSegment : IDisposable
{
    public const string DataExtension = ".itf", IndexExtension = ".itx";
    private static readonly byte[] DataMagic = "ITFLOWS1"u8.ToArray(), IndexMagic = "ITFLOWX1"u8.ToArray();
    public const int HeaderSize = 16, IndexHeaderSize = 32;

    private readonly SafeFileHandle _read;
    private List<ulong>? _hashes = [];            // open: record number → its hash
    private Dictionary<ulong, int>? _head = [];  // open, up to _chained records: hash → last record number with it
    private List<int>? _previous = [];            // open, up to _chained records: record number → earlier one with the same hash, or -1
    private int _chained;
    private ulong[]? _sortedHashes;               // sealed, loaded on demand
    private int[]? _sortedRecords;

    private FlowSegment(string path)
    {
        DataPath = path;
        _read = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    public string DataPath { get; }
    public string IndexPath => Path.ChangeExtension(DataPath, IndexExtension);
    public long Count { get; private set; }
    public long MinStartMs { get; private set; } = long.MaxValue;
    public long MaxEndMs { get; private set; } = long.MinValue;
    public bool Sealed => _hashes is null;

    /// <summary>A new, empty segment file; the caller appends through its own stream.</summary>
    /// <param name="durable">Whether its header is forced to disk (see <see cref="FlowStoreOptions.Durable"/>).</param>
    public static FlowSegment Create(string directory, long startMs, out FileStream writer, bool durable)
    {
        string path = Path.Combine(directory, $"flows-{startMs:D13}{DataExtension}");
        for (int n = 1; File.Exists(path); n++)
        {
            path = Path.Combine(directory, $"flows-{startMs:D13}-{n}{DataExtension}");
        }
        writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 1 << 16);
        Span<byte> header = stackalloc byte[HeaderSize];
        header.Clear();
        DataMagic.CopyTo(header);
        writer.Write(header);
        writer.Flush(flushToDisk: durable);
        return new FlowSegment(path);
    }

    /// <summary>Opens an existing segment: sealed when its index is there, else read and indexed in memory.</summary>
    /// <exception cref="InvalidDataException">Not a flow segment, or its index is damaged (the message names the file).</exception>
    public static FlowSegment Open(string path)
    {
        var segment = new FlowSegment(path);
        try
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            if (RandomAccess.Read(segment._read, header, 0) < HeaderSize || !header[..8].SequenceEqual(DataMagic))
            {
                throw new InvalidDataException($"{path}: not a flow store segment");
            }
            if (!segment.TrySeal())
            {
                segment.ReadNew();
            }
            return segment;
        }
        catch
        {
            segment.Dispose();
            throw;
        }
    }

    /// <summary>Indexes the records appended to the file since last time (open segments; a torn last record waits for its end).</summary>
    public void ReadNew()
    {
        if (Sealed)
        {
            return;
        }
        long complete = (RandomAccess.GetLength(_read) - HeaderSize) / FlowRecord.Size;
        var buffer = new byte[FlowRecord.Size * 1024];
        while (Count < complete)
        {
            int n = (int)Math.Min(1024, complete - Count);
            int read = RandomAccess.Read(_read, buffer.AsSpan(0, n * FlowRecord.Size), HeaderSize + Count * FlowRecord.Size);
            for (int i = 0; i < read / FlowRecord.Size; i++)
            {
                Indexed(FlowRecord.Read(buffer.AsSpan(i * FlowRecord.Size, FlowRecord.Size)));
            }
            if (read < n * FlowRecord.Size)
            {
                break;
            }
        }
    }

    /// <summary>Adds a record the writer has just appended to the file.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    public void Indexed(in FlowRecord record)
    {
        _hashes!.Add(record.Key.Hash());
        Count++;
        MinStartMs = Math.Min(MinStartMs, record.StartMs);
        MaxEndMs = Math.Max(MaxEndMs, record.EndMs);
    }

    /// <summary>Writes the index file (the data file is complete and flushed) and drops the in-memory index.</summary>
    /// <param name="durable">Whether the index is forced to disk (see <see cref="FlowStoreOptions.Durable"/>).</param>
    public void Seal(bool durable)
    {
        WriteIndex(durable);
        DropMemoryIndex();
    }

    /// <summary>
    /// Writes the index file of a segment no longer appended to (the data file complete and flushed); queries may run
    /// meanwhile, on the in-memory index, until <see cref="DropMemoryIndex"/>.
    /// </summary>
    public void WriteIndex(bool durable)
    {
        int count = (int)Count;
        // Pooled: a segment a second at full rate would otherwise allocate (and fault in) 24 bytes a record each time.
        var hashes = ArrayPool<ulong>.Shared.Rent(count);
        var records = ArrayPool<int>.Shared.Rent(count);
        var index = ArrayPool<byte>.Shared.Rent(IndexHeaderSize + 12 * count);
        try
        {
            SortByHash(CollectionsMarshal.AsSpan(_hashes), hashes.AsSpan(0, count), records.AsSpan(0, count));
            IndexMagic.CopyTo(index, 0);
            BinaryPrimitives.WriteInt64LittleEndian(index.AsSpan(8), Count);
            BinaryPrimitives.WriteInt64LittleEndian(index.AsSpan(16), MinStartMs);
            BinaryPrimitives.WriteInt64LittleEndian(index.AsSpan(24), MaxEndMs);
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(index.AsSpan(IndexHeaderSize + 12 * i), hashes[i]);
                BinaryPrimitives.WriteInt32LittleEndian(index.AsSpan(IndexHeaderSize + 12 * i + 8), records[i]);
            }
            string temporary = IndexPath + ".tmp";
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                file.Write(index, 0, IndexHeaderSize + 12 * count);
                file.Flush(flushToDisk: durable);
            }
            File.Move(temporary, IndexPath, overwrite: true);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(hashes);
            ArrayPool<int>.Shared.Return(records);
            ArrayPool<byte>.Shared.Return(index);
        }
    }

    /// <summary>
    /// The hashes sorted, each with its record number, a hash's records in the order they came: a counting sort on the
    /// top 16 bits, then each bucket sorted on its own (a few hashes each, as hashes are spread evenly), which is several
    /// times faster than sorting the whole; a bucket that is large (keys made to collide) is sorted as the whole was.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private static void SortByHash(ReadOnlySpan<ulong> source, Span<ulong> hashes, Span<int> records)
    {
        const int Shift = 48, Small = 32;
        var ends = new int[(1 << (64 - Shift)) + 1];
        foreach (ulong hash in source)
        {
            ends[(hash >> Shift) + 1]++;
        }
        for (int b = 1; b < ends.Length; b++)
        {
            ends[b] += ends[b - 1];
        }
        for (int i = 0; i < source.Length; i++)
        {
            int at = ends[source[i] >> Shift]++; // in the order they came: the sort is stable
            (hashes[at], records[at]) = (source[i], i);
        }
        for (int b = 0, start = 0; b < ends.Length - 1; start = ends[b++])
        {
            int length = ends[b] - start;
            if (length <= Small)
            {
                InsertionSort(hashes.Slice(start, length), records.Slice(start, length));
            }
            else
            {
                SortWithTies(hashes.Slice(start, length), records.Slice(start, length));
            }
        }
    }

    /// <summary>Stable: a hash moves only past greater ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private static void InsertionSort(Span<ulong> hashes, Span<int> records)
    {
        for (int i = 1; i < hashes.Length; i++)
        {
            (ulong hash, int record) = (hashes[i], records[i]);
            int j = i - 1;
            for (; j >= 0 && hashes[j] > hash; j--)
            {
                (hashes[j + 1], records[j + 1]) = (hashes[j], records[j]);
            }
            (hashes[j + 1], records[j + 1]) = (hash, record);
        }
    }

    /// <summary>Sorts by hash, then the records of each hash by number (the unstable sort may have swapped them).</summary>
    private static void SortWithTies(Span<ulong> hashes, Span<int> records)
    {
        hashes.Sort(records);
        for (int start = 0, end; start < hashes.Length; start = end)
        {
            for (end = start + 1; end < hashes.Length && hashes[end] == hashes[start]; end++) { }
            if (end - start > 1)
            {
                records[start..end].Sort();
            }
        }
    }

    /// <summary>After <see cref="WriteIndex"/>: queries go to the index file.</summary>
    public void DropMemoryIndex()
    {
        _hashes = null;
        _head = null;
        _previous = null;
    }

    /// <summary>Records of this segment with the key's hash, their flows overlapping [fromMs, toMs].</summary>
    public void Find(FlowKey key, long fromMs, long toMs, List<FlowRecord> found)
    {
        if (Count == 0 || toMs < MinStartMs || fromMs > MaxEndMs)
        {
            return;
        }
        ulong hash = key.Hash();
        Span<byte> buffer = stackalloc byte[FlowRecord.Size];
        void Check(int number, List<FlowRecord> found, Span<byte> buffer)
        {
            if (RandomAccess.Read(_read, buffer, HeaderSize + (long)number * FlowRecord.Size) < FlowRecord.Size)
            {
                return;
            }
            var record = FlowRecord.Read(buffer);
            if (record.Key == key && record.EndMs >= fromMs && record.StartMs <= toMs)
            {
                found.Add(record);
            }
        }
        if (_hashes is not null)
        {
            Chain();
            for (int r = _head!.TryGetValue(hash, out int last) ? last : -1; r >= 0; r = _previous![r])
            {
                Check(r, found, buffer);
            }
            return;
        }
        LoadIndex();
        int i = Array.BinarySearch(_sortedHashes!, hash);
        if (i < 0)
        {
            return;
        }
        while (i > 0 && _sortedHashes![i - 1] == hash) i--;
        for (; i < _sortedHashes!.Length && _sortedHashes[i] == hash; i++)
        {
            Check(_sortedRecords![i], found, buffer);
        }
    }

    /// <summary>Chains the records appended since the last query by hash.</summary>
    private void Chain()
    {
        var hashes = CollectionsMarshal.AsSpan(_hashes);
        for (; _chained < hashes.Length; _chained++)
        {
            ref int last = ref CollectionsMarshal.GetValueRefOrAddDefault(_head!, hashes[_chained], out bool seen);
            _previous!.Add(seen ? last : -1);
            last = _chained;
        }
    }

    private bool TrySeal()
    {
        if (!File.Exists(IndexPath))
        {
            return false;
        }
        using var index = File.OpenHandle(IndexPath);
        Span<byte> header = stackalloc byte[IndexHeaderSize];
        if (RandomAccess.Read(index, header, 0) < IndexHeaderSize || !header[..8].SequenceEqual(IndexMagic))
        {
            throw new InvalidDataException($"{IndexPath}: not a flow store index");
        }
        Count = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        MinStartMs = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        MaxEndMs = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        if (Count < 0 || RandomAccess.GetLength(index) != IndexHeaderSize + Count * 12)
        {
            throw new InvalidDataException($"{IndexPath}: damaged (length does not match its record count)");
        }
        DropMemoryIndex();
        return true;
    }

    private void LoadIndex()
    {
        if (_sortedHashes is not null)
        {
            return;
        }
        var bytes = File.ReadAllBytes(IndexPath);
        var hashes = new ulong[Count];
        var records = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            int at = IndexHeaderSize + i * 12;
            hashes[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            records[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 8));
        }
        (_sortedHashes, _sortedRecords) = (hashes, records);
    }

    /// <summary>A reader's open segment whose writer has sealed it since: switch to the index.</summary>
    public void RefreshSeal()
    {
        if (!Sealed && File.Exists(IndexPath))
        {
            TrySeal();
        }
    }

    /// <summary>Cuts a torn last record (a crash mid-write) so the file holds whole records only.</summary>
    public static void TrimTornRecord(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        long whole = HeaderSize + Math.Max(0, file.Length - HeaderSize) / FlowRecord.Size * FlowRecord.Size;
        if (file.Length != whole)
        {
            file.SetLength(whole);
        }
    }

    public void Dispose() => _read.Dispose();
}
