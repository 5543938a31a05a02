namespace InterTrack.Protocol;

/// <summary>Why an inbound message was refused. Its text is for our logs, never for the peer.</summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(string message) : base(message) { }

    public ProtocolException(string message, Exception inner) : base(message, inner) { }

    public ProtocolException() { }

    /// <summary>The framing of the stream is lost too: the connection must be closed after the error reply.</summary>
    public bool Fatal { get; init; }
}
