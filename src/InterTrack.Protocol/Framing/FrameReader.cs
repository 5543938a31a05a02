using System.Buffers;
using System.IO.Pipelines;

namespace InterTrack.Protocol.Framing;

/// <summary>Reads complete XML documents, one after another, from a stream.</summary>
public sealed class FrameReader(PipeReader reader, ProtocolLimits limits)
{
    /// <summary>
    /// Called once when the first byte of a frame (other than whitespace) has arrived, so a
    /// caller can switch from an idle timeout to a per-message timeout.
    /// </summary>
    public Action? FrameStarted { get; set; }

    /// <summary>
    /// The next document, without the whitespace before it; null when the peer closed the stream
    /// cleanly between documents.
    /// </summary>
    /// <exception cref="ProtocolException">Bad framing, a cap exceeded, or a stream closed mid-document (all fatal).</exception>
    public async ValueTask<byte[]?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var scanner = new FrameScanner(limits);
        long examined = 0;
        bool started = false;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            long end = Scan(scanner, buffer.Slice(examined), examined);
            if (!started && scanner.Started)
            {
                started = true;
                FrameStarted?.Invoke();
            }
            if (end >= 0)
            {
                var frame = buffer.Slice(scanner.LeadingWhitespace, end - scanner.LeadingWhitespace).ToArray();
                reader.AdvanceTo(buffer.GetPosition(end));
                return frame;
            }
            examined = buffer.Length;
            if (result.IsCompleted || result.IsCanceled)
            {
                reader.AdvanceTo(buffer.End);
                return scanner.Started ? throw new ProtocolException("stream ended inside a message") { Fatal = true, PublicText = "truncated message" } : null;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Feeds new bytes to the scanner; the frame's end offset (exclusive) in the whole buffer, or -1.</summary>
    private static long Scan(FrameScanner scanner, ReadOnlySequence<byte> fresh, long offset)
    {
        foreach (var segment in fresh)
        {
            int last = scanner.Feed(segment.Span);
            if (last >= 0)
            {
                return offset + last + 1;
            }
            offset += segment.Length;
        }
        return -1;
    }
}
