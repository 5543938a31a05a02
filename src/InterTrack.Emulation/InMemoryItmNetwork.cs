using System.Collections.Concurrent;
using InterTrack.Node.Managers;
using InterTrack.Protocol;
using InterTrack.Protocol.Model;

namespace InterTrack.Emulation;

/// <summary>
/// ITMs of many ASes in one process (the emulator's "memory" transport). Every request and reply
/// is still encoded to XML and decoded again, so protocol cost and validation stay real; messages
/// and bytes are counted, and the ASes asked. An AS can be taken down to play a dead neighbour.
/// </summary>
internal sealed class InMemoryItmNetwork : IItmNeighbors
{
    private readonly ConcurrentDictionary<uint, Itm> _itms = new();
    private readonly ConcurrentDictionary<uint, bool> _down = new();
    private readonly MessageCodec _codec = new();
    private long _messages;
    private long _bytes;
    private readonly ConcurrentDictionary<uint, byte> _asked = new();

    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>How many ASes were asked at least once.</summary>
    public int AsesAsked => _asked.Count;

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Add(Itm itm) => _itms[itm.AsNumber] = itm;

    /// <summary>Takes an AS's ITM off the network (true) or back on (false).</summary>
    public void SetDown(uint asNumber, bool down) => _down[asNumber] = down;

    public async Task<NeighborAnswer> TraceAsync(uint neighborAs, ItmTraceRequest request, CancellationToken cancellationToken)
    {
        if (!_itms.TryGetValue(neighborAs, out var itm) || _down.GetValueOrDefault(neighborAs))
        {
            throw new IOException($"no ITM of AS{neighborAs} answers");
        }
        _asked.TryAdd(neighborAs, 0);
        var delivered = (ItmTraceRequest)Carry(request);
        var outcome = await itm.TraceAsync(delivered, fromOwnDPoint: false, cancellationToken).ConfigureAwait(false);
        uint requester = Node.Managers.Itm.Requester(delivered.PathList) ?? 0;
        var export = itm.ExportFor(requester, delivered, outcome);
        var exported = export is null ? null
            : ((ItmTraceResultExport)Carry(new ItmTraceResultExport(NeighborNode.ForItm(requester), delivered.MessageId, export))).Export;
        return new NeighborAnswer((ItmTraceReply)Carry(outcome.Reply), exported);
    }

    public Task NotifyAsync(uint asNumber, ItmTraceResultExport notice, CancellationToken cancellationToken)
    {
        if (!_itms.TryGetValue(asNumber, out var itm) || _down.GetValueOrDefault(asNumber))
        {
            throw new IOException($"no ITM of AS{asNumber} answers");
        }
        var delivered = (ItmTraceResultExport)Carry(notice);
        // The sender is the notice's origin here: in process there is no certificate to name it.
        uint sender = delivered.Export is InterAsResultExport { Request.PathList.Origin.NodeId: ItmNodeId origin } ? origin.Itm.AsNumber : 0;
        itm.Receive(sender, delivered);
        return Task.CompletedTask;
    }

    private InterTrackMessage Carry(InterTrackMessage message)
    {
        var bytes = _codec.Encode(message);
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, bytes.Length);
        return _codec.Decode(bytes);
    }
}
