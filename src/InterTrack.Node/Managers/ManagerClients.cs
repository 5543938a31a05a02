using InterTrack.Protocol.Model;

namespace InterTrack.Node.Managers;

/// <summary>An ITM's way to its BTM: over the network to a border agent, or a stub where no BTS exists.</summary>
public interface IBtmClient
{
    Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken);
}

/// <summary>An ITM's way to one of its DTMs (one per traceback system of the domain).</summary>
public interface IDtmClient
{
    Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken);
}

/// <summary>A neighbour ITM's answer: its reply, and the details its export level toward us lets it share (null when inter-as).</summary>
public sealed record NeighborAnswer(ItmTraceReply Reply, ResultExport? Export);

/// <summary>An ITM's way to the ITMs of neighbouring ASes.</summary>
public interface IItmNeighbors
{
    /// <exception cref="IOException">The neighbour cannot be reached.</exception>
    Task<NeighborAnswer> TraceAsync(uint neighborAs, ItmTraceRequest request, CancellationToken cancellationToken);

    /// <summary>Sends a spoofing notice to an AS's ITM (any the directory lists, not only neighbours); no answer comes back.</summary>
    /// <exception cref="IOException">That ITM cannot be reached.</exception>
    Task NotifyAsync(uint asNumber, ItmTraceResultExport notice, CancellationToken cancellationToken);
}
