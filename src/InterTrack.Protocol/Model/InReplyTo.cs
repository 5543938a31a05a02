namespace InterTrack.Protocol.Model;

/// <summary>
/// Which request an error reply (HeartbeatError) is about: its Option "in-reply-to" carries the
/// request's key — the message id of an ITM, BTM or DTM request, the client's sequence number of a
/// DPointTraceRequest, the nonce of a heartbeat — so a peer with many requests in flight on one
/// connection fails only that one. An error without it (the message could not be read) is about
/// the connection.
/// </summary>
public static class InReplyTo
{
    public const string Option = "in-reply-to";
    public const string NonceOption = "nonce";

    /// <summary>The key replies to this request are matched by; null for messages that are not requests.</summary>
    public static string? KeyOf(InterTrackMessage message) => message switch
    {
        ItmTraceRequest r => r.MessageId.ToString(),
        BtmTraceRequest r => r.MessageId.ToString(),
        DtmTraceRequest r => r.MessageId.ToString(),
        DPointTraceRequest r => r.Client.TemporarySequenceNumber.ToString(),
        HeartbeatRequest r => r.Options.FirstOrDefault(o => o.Type == NonceOption)?.Value,
        _ => null,
    };
}
