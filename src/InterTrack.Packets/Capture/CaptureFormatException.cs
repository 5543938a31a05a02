namespace InterTrack.Packets.Capture;

/// <summary>A capture file is damaged or truncated at <see cref="Offset"/>; packets before it were read.</summary>
public sealed class CaptureFormatException : Exception
{
    public CaptureFormatException(string reason, long offset) : base($"{reason} at byte offset {offset}") => Offset = offset;

    public CaptureFormatException() { }

    public CaptureFormatException(string message) : base(message) { }

    public CaptureFormatException(string message, Exception inner) : base(message, inner) { }

    public long Offset { get; }
}
