using InterTrack.Protocol.Model;

namespace InterTrack.Node.Managers;

/// <summary>
/// Stands in for a missing border traceback system: answers at once that the border cannot be
/// traced (status Unknown, state error, degree 0), so partial deployment still completes.
/// </summary>
public sealed class StubBtm(uint asNumber) : IBtmClient
{
    public Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new BtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId,
            new BorderTraceResult(AsStatus.Unknown, 0, TraceState.Error)
            {
                TsType = "stub",
                Error = new ErrorCode(ErrorType.BusyTs) { Message = "no border traceback system" },
            }));
}

/// <summary>Stands in for a missing domain traceback system: the inside of the AS cannot be traced.</summary>
public sealed class StubDtm(uint asNumber) : IDtmClient
{
    public Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new DtmTraceReply(NeighborNode.ForItm(asNumber), request.MessageId,
            new IntraAsTraceResult(0) { Error = new ErrorCode(ErrorType.BusyTs) { Message = "no domain traceback system" } }));
}
