namespace InterTrack.Protocol.Model;

/// <summary>
/// One InterTrack message: the body of an <c>&lt;InterTrackMessage type="..."&gt;</c> document.
/// Each subtype is one message type of the schema.
/// </summary>
public abstract record InterTrackMessage
{
    public ValueList<MessageOption> Options { get; init; } = [];
}

/// <summary>A node's configuration: itself and the nodes it knows.</summary>
internal sealed record ConfigMessage(MyStatus MyStatus, ValueList<NodeEntry> Nodes) : InterTrackMessage;

public sealed record HeartbeatRequest(NeighborNode Master) : InterTrackMessage;

public sealed record HeartbeatReply(NeighborNode Master, NeighborNode Slave, TimeVal TimeStamp) : InterTrackMessage;

/// <summary>
/// A heartbeat failure. InterTrack also uses it as the generic error reply to a message that
/// could not be accepted at all (see docs/protocol.md).
/// </summary>
public sealed record HeartbeatError(NeighborNode Master, NeighborNode Slave, ErrorCode Error) : InterTrackMessage;

/// <summary>ITM → upstream ITM: trace this evidence; carries the TTL and the path so far.</summary>
public sealed record ItmTraceRequest(NeighborNode Destination, MessageId MessageId, uint Ttl, ItmPathList PathList, Evidence Evidence)
    : InterTrackMessage
{
    public bool Translated { get; init; }
}

public sealed record ItmTraceReply(NeighborNode Source, MessageId MessageId, InterAsTraceResult Result) : InterTrackMessage
{
    public bool Translated { get; init; }
}

/// <summary>ITM → BTM: how does this flow cross our border?</summary>
public sealed record BtmTraceRequest(NeighborNode Destination, MessageId MessageId, Evidence Evidence) : InterTrackMessage
{
    public bool Translated { get; init; }
}

public sealed record BtmTraceReply(NeighborNode Source, MessageId MessageId, BorderTraceResult Result) : InterTrackMessage
{
    public bool Translated { get; init; }
}

/// <summary>ITM → DTM: trace this evidence inside the domain.</summary>
public sealed record DtmTraceRequest(NeighborNode Destination, MessageId MessageId, Evidence Evidence) : InterTrackMessage
{
    public bool Translated { get; init; }
}

public sealed record DtmTraceReply(NeighborNode Source, MessageId MessageId, IntraAsTraceResult Result) : InterTrackMessage
{
    public bool Translated { get; init; }
}

/// <summary>
/// Traceback Client → D Point: the attack packets (or one payload hash) to trace. Exactly one
/// of <see cref="PacketDumps"/> (non-empty) and <see cref="PayloadHash"/> is given.
/// </summary>
public sealed record ClientTraceRequest(NeighborNode Destination, NeighborNode Source, TimeVal TemporarySequenceNumber, uint Ttl)
    : InterTrackMessage
{
    public ValueList<PacketDump> PacketDumps { get; init; } = [];
    public PayloadHash? PayloadHash { get; init; }
}

/// <summary>D Point → client, at once: the message id the ITM issued for the request.</summary>
public sealed record ClientMessageIdReply(NeighborNode Source, NeighborNode Destination, TimeVal TemporarySequenceNumber, MessageId MessageId)
    : InterTrackMessage;

/// <summary>D Point → client, later: the result.</summary>
public sealed record ClientTraceReply(NeighborNode Source, NeighborNode Destination, MessageId MessageId, ResultExport Export)
    : InterTrackMessage;

/// <summary>D Point → ITM: an accepted, timestamped client request.</summary>
public sealed record DPointTraceRequest(NeighborNode Source, SourceClient Client, uint Ttl, Evidence Evidence) : InterTrackMessage;

public sealed record DPointMessageIdReply(NeighborNode Destination, SourceClient Client, MessageId MessageId) : InterTrackMessage;

public sealed record DPointTraceReply(NeighborNode Destination, SourceClient Client, MessageId MessageId, ResultExport Export)
    : InterTrackMessage;

/// <summary>An ITM's export of a finished trace to another system.</summary>
public sealed record ItmTraceResultExport(NeighborNode Destination, MessageId MessageId, ResultExport Export) : InterTrackMessage;

public sealed record TraceResultExport(NeighborNode Destination, NeighborNode Source, ResultExport Export) : InterTrackMessage;
