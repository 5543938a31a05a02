using InterTrack.Flow.Store;
using InterTrack.Node.Daemon;
using InterTrack.Node.Tracing;
using InterTrack.Node.Transport;
using Microsoft.Extensions.Logging;

namespace InterTrack.Flow;

/// <summary>
/// Flow records as a node's traceback system: the node's own collector (<c>collector</c> in the
/// configuration) when it runs one, or the store directory a collector elsewhere writes.
/// </summary>
internal sealed class FlowSystem : ITracebackSystem
{
    private readonly List<IDisposable> _stores = [];
    private FlowStore? _own;
    private FlowCollector? _collector;

    public void Start(NodeConfig config, ILoggerFactory loggers)
    {
        if (config.Section<CollectorConfig>(FlowKind.CollectorSection) is not { } settings)
        {
            return;
        }
        try
        {
            _own = FlowStore.OpenWriter(settings.Out);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new ConfigException($"collector.out: {e.Message}", e);
        }
        _stores.Add(_own);
        _collector = new FlowCollector(_own, logger: loggers.CreateLogger("collector"));
        Bind(() => _collector.ListenUdp(HostPort.ToEndPoint(settings.Listen)), "collector.listen", settings.Listen);
        if (settings.Tcp is { } tcp)
        {
            Bind(() => _collector.ListenTcp(HostPort.ToEndPoint(tcp)), "collector.tcp", tcp);
        }
    }

    private static void Bind(Func<System.Net.IPEndPoint> listen, string field, string endpoint)
    {
        try
        {
            listen();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new ConfigException($"{field}: cannot listen on {endpoint}: {e.Message}", e);
        }
    }

    public ILinkEvidence Evidence(SystemRoleConfig role)
    {
        string? directory = role.Flows;
        if (_own is not null)
        {
            return new FlowEvidence(_own);
        }
        try
        {
            var store = FlowStore.OpenReader(directory ?? "");
            _stores.Add(store);
            return new FlowEvidence(store);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ConfigException($"flows: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_collector is not null)
        {
            await _collector.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var store in _stores)
        {
            store.Dispose(); // seals the collector's segment
        }
    }
}
