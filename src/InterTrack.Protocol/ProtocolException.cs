using InterTrack.Protocol.Model;

namespace InterTrack.Protocol;

/// <summary>
/// Why an inbound message was refused. <see cref="Exception.Message"/> is for our logs only; the
/// peer gets <see cref="Reply"/> and the generic <see cref="PublicText"/>, never parser internals.
/// </summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(string message) : base(message) { }

    public ProtocolException(string message, Exception inner) : base(message, inner) { }

    public ProtocolException() { }

    /// <summary>The framing of the stream is lost too: the connection must be closed after the error reply.</summary>
    public bool Fatal { get; init; }

    public ErrorType Reply { get; init; } = ErrorType.HeartbeatWrongSemantic;

    public string PublicText { get; init; } = "invalid message";
}
