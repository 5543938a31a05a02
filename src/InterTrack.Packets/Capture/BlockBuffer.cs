using System.Buffers;

namespace InterTrack.Packets.Capture;

/// <summary>
/// A large read buffer over a file that hands out contiguous spans of records. Records are
/// parsed in place; the buffer is refilled (remainder moved to the front) only when a record
/// straddles its end, so reading costs about one memory copy of the file. The buffer is rented
/// from the shared pool, so opening many small captures does not allocate a megabyte each.
/// </summary>
internal sealed class BlockBuffer(Stream stream, int capacity = 1 << 20) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(capacity);
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>File offset of the next unread byte.</summary>
    public long Offset { get; private set; }

    /// <summary>
    /// Makes <paramref name="count"/> bytes available at the read position. False when the file
    /// ends first (then <see cref="Available"/> tells how many remain).
    /// </summary>
    public bool Ensure(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }
        if (count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(count, _buffer.Length * 2));
            Buffer.BlockCopy(_buffer, _start, bigger, 0, _end - _start);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        else
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        }
        _end -= _start;
        _start = 0;
        while (_end < count && !_eof)
        {
            int read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }
            _end += read;
        }
        return _end >= count;
    }

    public int Available => _end - _start;

    public ReadOnlySpan<byte> Peek(int count) => _buffer.AsSpan(_start, count);

    public void Skip(int count)
    {
        _start += count;
        Offset += count;
    }

    public void Dispose()
    {
        stream.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
