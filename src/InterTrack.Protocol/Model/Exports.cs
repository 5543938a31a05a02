namespace InterTrack.Protocol.Model;

/// <summary>
/// A trace result as exported to a client or another system: the schema's Export group, named
/// by the Export_type attribute of the carrying message.
/// </summary>
public abstract record ResultExport
{
    public ValueList<BtmTraceRequest> BtmRequests { get; init; } = [];
    public ValueList<BtmTraceReply> BtmReplies { get; init; } = [];
    public ValueList<MessageOption> Options { get; init; } = [];
}

/// <summary>Everything: the ITM exchange and every BTM and DTM exchange.</summary>
public sealed record AllResultExport(ItmTraceRequest Request, ItmTraceReply Reply) : ResultExport
{
    public ValueList<DtmTraceRequest> DtmRequests { get; init; } = [];
    public ValueList<DtmTraceReply> DtmReplies { get; init; } = [];
}

/// <summary>AS-level only: the ITM exchange and the border answers (export level inter-as).</summary>
public sealed record InterAsResultExport(ItmTraceRequest Request, ItmTraceReply Reply) : ResultExport;

/// <summary>Router-level detail of one AS: border and domain answers, no inter-AS reply.</summary>
public sealed record IntraAsResultExport(ItmTraceRequest Request) : ResultExport
{
    public ValueList<DtmTraceRequest> DtmRequests { get; init; } = [];
    public ValueList<DtmTraceReply> DtmReplies { get; init; } = [];
}
