using InterTrack.Node.Daemon;
using InterTrack.Node.Tracing;
using Microsoft.Extensions.Logging;

namespace InterTrack.LinkTesting;

/// <summary>
/// Link testing as a node's traceback system: at start it installs the input-debugging counters
/// (<see cref="NftRuleset"/>) on every router of the <c>linktest</c> section and removes them when
/// the node stops; the BTM and DTM read them live. There is no store: what the routers saw more
/// than <c>windowSeconds</c> ago is gone.
/// </summary>
internal sealed class LinkTestSystem(TimeProvider? time = null) : ITracebackSystem
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private List<LinkTestRouter> _routers = [];
    private NftLinkCounters? _counters; // one reading of the routers serves the BTM and the DTM
    private TimeSpan _window;
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Start(NodeConfig config, ILoggerFactory loggers)
    {
        if (config.Section<LinkTestConfig>(LinkTestKind.KindName) is not { } settings)
        {
            return;
        }
        _logger = loggers.CreateLogger(LinkTestKind.KindName);
        _window = TimeSpan.FromSeconds(settings.WindowSeconds);
        string script = NftRuleset.For(_window);
        for (int i = 0; i < settings.Routers.Count; i++)
        {
            var router = new LinkTestRouter(settings.Routers[i].Name, settings.Routers[i].Nft);
            try
            {
                NftCommand.Run(router, ["-f", "-"], script);
            }
            catch (IOException e)
            {
                throw new ConfigException($"linktest.routers[{i}] ({router.Name}): cannot install the counters: {e.Message}", e);
            }
            _routers.Add(router);
            _logger.Counting(router.Name, settings.WindowSeconds);
        }
        _counters = new NftLinkCounters(_routers, _time, _logger);
    }

    public ILinkEvidence Evidence(SystemRoleConfig role) => _counters is not null
        ? new LinkTestEvidence(_counters, _window, _time)
        : throw new ConfigException("linktest: a linktest BTM or DTM needs the linktest section naming the routers");

    public ValueTask DisposeAsync()
    {
        foreach (var router in _routers)
        {
            try
            {
                NftCommand.Run(router, ["delete", "table", "inet", NftRuleset.Table]);
            }
            catch (IOException e)
            {
                _logger.CannotRemove(router.Name, e.Message);
            }
        }
        (_routers, _counters) = ([], null);
        return ValueTask.CompletedTask;
    }
}
