namespace InterTrack.Protocol.Model;

/// <summary>
/// Option types of a ClientTraceRequest (schema-valid extensions, docs/protocol.md): when each
/// packet was captured, a request for an earlier result, and the D Point's reception time.
/// </summary>
public static class ClientOptions
{
    /// <summary>One per packet dump, in order: "sec.usec" when the client captured it.</summary>
    public const string Captured = "captured";

    /// <summary>Asks for the result of an earlier trace; the value is its message id.</summary>
    public const string ResultOf = "result-of";

    /// <summary>Added by the D Point: when it received the request.</summary>
    public const string Received = "received";

    /// <summary>
    /// On a ClientTraceReply: how many packets came without a capture time, for which every kept
    /// piece of evidence was searched instead of the time around it.
    /// </summary>
    public const string PacketTime = "packet-time";
}
