using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace InterTrack.Flow.Store;

/// <summary>
/// Flow records in a directory of time-partitioned segments (see <see cref="FlowSegment"/>),
/// answering "which exporter and interface saw a flow with this key around time T". One writer
/// (the collector) appends; any number of readers (BTM, DTM, <c>intertrack query</c>) in this or
/// other processes follow the directory. A writer's segment is sealed (index written) when it
/// reaches <see cref="FlowStoreOptions.SegmentRecords"/> records or <see cref="FlowStoreOptions.SegmentSpan"/>,
/// and on close; a writer starting over a directory left by a crash trims a torn last record and
/// seals what it finds, so stored records survive restarts. Records are flushed to the file at
/// once and made durable every <see cref="FlowStoreOptions.SyncInterval"/>. Neither the fsync nor
/// sealing (sorting and writing a full segment's index) holds up <see cref="Append"/>: a timer
/// syncs the open file, and a full segment is sealed on a task of its own while the next one fills;
/// until its index is written it is queried (here and by readers) as an open segment. Thread-safe.
/// </summary>
public sealed class FlowStore : IDisposable
{
    private readonly string _directory;
    private readonly FlowStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly bool _writer;
    private readonly List<FlowSegment> _segments = [];
    private readonly object _lock = new();
    private readonly byte[] _chunk = new byte[FlowRecord.Size * 512]; // records go to the file a chunk a write
    private FileStream? _current;
    private SafeFileHandle? _currentHandle;
    private FlowSegment? _currentSegment;
    private long _currentStartedMs, _lastListMs = long.MinValue, _version;
    private bool _unsynced;
    private Task _sealing = Task.CompletedTask;
    private readonly ITimer? _sync;

    private FlowStore(string directory, FlowStoreOptions options, TimeProvider time, bool writer)
    {
        _directory = directory;
        _options = options;
        _time = time;
        _writer = writer;
        if (writer && options.Durable)
        {
            _sync = time.CreateTimer(_ => Sync(), null, options.SyncInterval, options.SyncInterval);
        }
    }

    /// <summary>Opens the store for the collector, creating the directory.</summary>
    /// <exception cref="IOException">The directory cannot be created or written.</exception>
    /// <exception cref="UnauthorizedAccessException">Not allowed to write there.</exception>
    /// <exception cref="InvalidDataException">A segment in it is damaged (the message names it).</exception>
    public static FlowStore OpenWriter(string directory, FlowStoreOptions? options = null, TimeProvider? time = null)
    {
        Directory.CreateDirectory(directory);
        var store = new FlowStore(directory, options ?? new FlowStoreOptions(), time ?? TimeProvider.System, writer: true);
        try
        {
            foreach (var path in DataFiles(directory))
            {
                bool wasOpen = !File.Exists(Path.ChangeExtension(path, FlowSegment.IndexExtension));
                if (wasOpen)
                {
                    FlowSegment.TrimTornRecord(path); // left by a writer that did not close
                }
                var segment = FlowSegment.Open(path);
                if (wasOpen)
                {
                    segment.Seal(store._options.Durable);
                }
                store._segments.Add(segment);
            }
        }
        catch
        {
            store.Dispose();
            throw;
        }
        return store;
    }

    /// <summary>Whether the directory holds any segment of a flow store (whatever else it holds).</summary>
    public static bool HasSegments(string directory) => DataFiles(directory).Any();

    /// <summary>Opens a store another process writes (or wrote), to query it.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="InvalidDataException">A segment is damaged (the message names it).</exception>
    public static FlowStore OpenReader(string directory, TimeProvider? time = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"no flow directory {directory}");
        }
        var store = new FlowStore(directory, new FlowStoreOptions(), time ?? TimeProvider.System, writer: false);
        store.Refresh(force: true);
        return store;
    }

    /// <summary>Records stored (as far as this instance has seen).</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _segments.Sum(s => s.Count);
            }
        }
    }

    /// <summary>Bytes the store takes on disk (data and index files).</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _segments.Sum(s => new FileInfo(s.DataPath).Length + (File.Exists(s.IndexPath) ? new FileInfo(s.IndexPath).Length : 0));
            }
        }
    }

    /// <summary>
    /// Grows whenever this instance takes records (a writer's append, a reader's refresh that found some): an answer
    /// drawn from the store before is stale once it has moved.
    /// </summary>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                Refresh(force: false);
                return _version;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    public void Append(IReadOnlyList<FlowRecord> records)
    {
        if (!_writer)
        {
            throw new InvalidOperationException("a reader cannot append");
        }
        lock (_lock)
        {
            long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            // A list by reference: no copy of each 100-byte record, no call through the interface.
            var all = records is List<FlowRecord> list ? CollectionsMarshal.AsSpan(list) : [.. records];
            int written = 0; // records of `all` in the file; those after it up to `i` are in _chunk
            for (int i = 0; i < all.Length; i++)
            {
                if (_current is null || _currentSegment!.Count + (i - written) >= _options.SegmentRecords
                    || now - _currentStartedMs >= (long)_options.SegmentSpan.TotalMilliseconds)
                {
                    written = WriteChunk(all, written, i);
                    Rotate(now);
                }
                all[i].Write(_chunk.AsSpan((i - written) * FlowRecord.Size));
                if ((i + 1 - written) * FlowRecord.Size == _chunk.Length)
                {
                    written = WriteChunk(all, written, i + 1);
                }
            }
            WriteChunk(all, written, all.Length);
            _version++;
            _current?.Flush(flushToDisk: false);
            _unsynced = true;
        }
    }

    /// <summary>Writes records [from, to) of the append, encoded in _chunk, to the file; then they count as stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private int WriteChunk(ReadOnlySpan<FlowRecord> all, int from, int to)
    {
        if (to > from)
        {
            _current!.Write(_chunk, 0, (to - from) * FlowRecord.Size);
            foreach (ref readonly var record in all[from..to])
            {
                _currentSegment!.Indexed(record);
            }
        }
        return to;
    }

    /// <summary>Forces what was appended to disk (the timer's work, off the append path: an fsync may take a while).</summary>
    private void Sync()
    {
        SafeFileHandle? handle;
        bool added = false;
        lock (_lock)
        {
            handle = _unsynced ? _currentHandle : null;
            _unsynced = false;
            handle?.DangerousAddRef(ref added); // a rotation may close the file meanwhile; its seal syncs it
        }
        if (handle is null || !added)
        {
            return;
        }
        try
        {
            RandomAccess.FlushToDisk(handle);
        }
        catch (IOException)
        {
            lock (_lock)
            {
                _unsynced = true; // tried again next time
            }
        }
        finally
        {
            handle.DangerousRelease();
        }
    }

    /// <summary>Stored records with the key whose flows overlap [atMs − slack, atMs + slack]; every time when atMs is null.</summary>
    public List<FlowRecord> Find(FlowKey key, long? atMs, TimeSpan slack)
    {
        long from = atMs is { } at ? at - (long)slack.TotalMilliseconds : long.MinValue;
        long to = atMs is { } at2 ? at2 + (long)slack.TotalMilliseconds : long.MaxValue;
        var found = new List<FlowRecord>();
        lock (_lock)
        {
            Refresh(force: false);
            foreach (var segment in _segments)
            {
                segment.Find(key, from, to, found);
            }
        }
        return found;
    }

    /// <summary>Whether any kept segment covers the time (a "not seen" there is an answer, not an expiry).</summary>
    public bool Covers(long? atMs, TimeSpan slack)
    {
        lock (_lock)
        {
            long s = (long)slack.TotalMilliseconds;
            return _segments.Any(g => g.Count > 0 && (atMs is not { } at || (at >= g.MinStartMs - s && at <= g.MaxEndMs + s)));
        }
    }

    /// <summary>Readers: pick up segments and records written since; at most once a second unless forced.</summary>
    private void Refresh(bool force)
    {
        if (_writer)
        {
            return;
        }
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!force && now - _lastListMs < 1000)
        {
            return;
        }
        _lastListMs = now;
        long before = _segments.Sum(s => s.Count);
        var known = _segments.Select(s => s.DataPath).ToHashSet(StringComparer.Ordinal);
        foreach (var path in DataFiles(_directory).Where(p => !known.Contains(p)))
        {
            _segments.Add(FlowSegment.Open(path));
        }
        foreach (var segment in _segments)
        {
            segment.RefreshSeal();
            segment.ReadNew();
        }
        if (_segments.Sum(s => s.Count) != before)
        {
            _version++;
        }
    }

    private void Rotate(long now)
    {
        if (_current is not null)
        {
            _current.Flush(flushToDisk: false); // its records are in the file now, for readers; the fsync comes with the seal
            var (file, segment, previous) = (_current, _currentSegment!, _sealing);
            _sealing = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false); // one seal at a time, in order
                Seal(file, segment);
            });
            (_current, _currentHandle, _currentSegment) = (null, null, null);
        }
        Expire(now);
        _currentSegment = FlowSegment.Create(_directory, now, out _current, _options.Durable);
        _currentHandle = _current.SafeFileHandle;
        _segments.Add(_currentSegment);
        _currentStartedMs = now;
    }

    /// <summary>Closes a full segment's file and writes its index; then queries go to the index.</summary>
    private void Seal(FileStream file, FlowSegment segment)
    {
        try
        {
            file.Flush(flushToDisk: _options.Durable);
            file.Dispose();
            segment.WriteIndex(_options.Durable);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // stays an open segment (its records are in its file); the next start seals it, as after a crash
        }
        lock (_lock)
        {
            segment.DropMemoryIndex();
        }
    }

    private void SealCurrent()
    {
        _sealing.GetAwaiter().GetResult();
        if (_current is null)
        {
            return;
        }
        _current.Flush(flushToDisk: _options.Durable);
        _current.Dispose();
        (_current, _currentHandle) = (null, null);
        _currentSegment!.Seal(_options.Durable);
    }

    /// <summary>
    /// Deletes sealed segments last written longer ago than the retention (by the collector's clock: replayed exports
    /// keep their old flow times).
    /// </summary>
    private void Expire(long now)
    {
        var oldest = DateTimeOffset.FromUnixTimeMilliseconds(now) - _options.Retention;
        foreach (var segment in _segments.Where(s => s.Sealed && File.GetLastWriteTimeUtc(s.DataPath) < oldest.UtcDateTime).ToList())
        {
            segment.Dispose();
            File.Delete(segment.IndexPath);
            File.Delete(segment.DataPath);
            _segments.Remove(segment);
        }
    }

    private static IEnumerable<string> DataFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*" + FlowSegment.DataExtension).Order(StringComparer.Ordinal);

    public void Dispose()
    {
        _sync?.Dispose();
        _sealing.GetAwaiter().GetResult(); // outside the lock: the seal takes it at its end
        lock (_lock)
        {
            SealCurrent();
            foreach (var segment in _segments)
            {
                segment.Dispose();
            }
            _segments.Clear();
        }
    }
}

/// <summary>How a flow store partitions and keeps records.</summary>
public sealed record FlowStoreOptions
{
    public long SegmentRecords { get; init; } = 1 << 20;
    public TimeSpan SegmentSpan { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>False: nothing is forced to disk, for a store that does not outlive its process (the emulator's evidence); a crash may lose records.</summary>
    public bool Durable { get; init; } = true;
    /// <summary>Segments last written longer ago than this are deleted (traceback needs hours, not months).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(1);
}
