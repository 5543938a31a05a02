using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Managers;

/// <summary>Where a peer listens and who it must prove to be.</summary>
public sealed record PeerEndpoint(string Host, int Port, NodeIdentity Identity);

/// <summary>The ITMs of neighbouring ASes, reached over mutual TLS, one connection each.</summary>
public sealed class NetworkItmNeighbors(IReadOnlyDictionary<uint, PeerEndpoint> neighbors, TlsCredentials credentials, TransportOptions? options = null)
    : IItmNeighbors, IAsyncDisposable
{
    private readonly Dictionary<uint, PeerChannel> _channels = neighbors.ToDictionary(n => n.Key, n => Channel(n.Value, credentials, options));

    /// <summary>The connection to each neighbour's ITM (for heartbeats).</summary>
    public IReadOnlyDictionary<uint, PeerChannel> Channels => _channels;

    public async Task<NeighborAnswer> TraceAsync(uint neighborAs, ItmTraceRequest request, CancellationToken cancellationToken)
    {
        if (!_channels.TryGetValue(neighborAs, out var channel))
        {
            throw new IOException($"AS{neighborAs} is not a configured neighbour");
        }
        // A neighbour that shares more than AS statuses sends its ITMTraceResultExport just before the reply.
        var (reply, export) = await channel.RequestAsync<ItmTraceReply, ItmTraceResultExport>(request, request.MessageId,
            cancellationToken).ConfigureAwait(false);
        return new NeighborAnswer(reply, export?.Export);
    }

    public Task NotifyAsync(uint asNumber, ItmTraceResultExport notice, CancellationToken cancellationToken) =>
        _channels.TryGetValue(asNumber, out var channel) ? channel.SendAsync(notice, cancellationToken)
            : throw new IOException($"AS{asNumber} is not a configured neighbour or in the directory");

    internal static PeerChannel Channel(PeerEndpoint peer, TlsCredentials credentials, TransportOptions? options) =>
        new(peer.Identity.ToString(), ct => MessageClient.ConnectTlsAsync(peer.Host, peer.Port, peer.Identity, credentials, options, cancellationToken: ct));

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels.Values)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A BTM running elsewhere (a border agent), reached over mutual TLS.</summary>
public sealed class NetworkBtmClient(PeerEndpoint btm, TlsCredentials credentials, TransportOptions? options = null) : IBtmClient, IAsyncDisposable
{
    private readonly PeerChannel _channel = NetworkItmNeighbors.Channel(btm, credentials, options);

    public PeerChannel Channel => _channel;

    public Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken) =>
        _channel.RequestAsync<BtmTraceReply>(request, request.MessageId, cancellationToken);

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}

/// <summary>A DTM running elsewhere, reached over mutual TLS.</summary>
public sealed class NetworkDtmClient(PeerEndpoint dtm, TlsCredentials credentials, TransportOptions? options = null) : IDtmClient, IAsyncDisposable
{
    private readonly PeerChannel _channel = NetworkItmNeighbors.Channel(dtm, credentials, options);

    public Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken) =>
        _channel.RequestAsync<DtmTraceReply>(request, request.MessageId, cancellationToken);

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
