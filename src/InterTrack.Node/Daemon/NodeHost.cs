using System.Globalization;
using System.Net;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Telemetry;
using InterTrack.Node.Topology;
using InterTrack.Node.Tracing;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Logging;

namespace InterTrack.Node.Daemon;

/// <summary>Runs the roles a <see cref="NodeConfig"/> names, each on its own mutual-TLS listener.</summary>
public sealed class NodeHost : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _resources = [];
    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<string, ITracebackSystem> _systems = new(StringComparer.Ordinal);
    private readonly List<MessageListener> _listeners = [];
    private BackgroundWork _work = new();
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private NodeHost() { }

    /// <summary>Where each role listens, for logs and tests.</summary>
    public Dictionary<string, IPEndPoint> Listening { get; } = [];

    /// <summary>The D Point, its store, and the ITM's heartbeats, when this node runs them (the operator's page shows them).</summary>
    public DPoint? DPoint { get; private set; }
    public DPointStore? DPointStore { get; private set; }
    public HeartbeatMonitor? Heartbeats { get; private set; }
    public TraceProgress? TraceProgress { get; private set; }

    /// <param name="kinds">The kinds of traceback system this node may run: the host makes one system of each and owns it.</param>
    /// <exception cref="ConfigException">Certificates, interfaces or stores named by the configuration cannot be used.</exception>
    public static NodeHost Start(NodeConfig config, Kinds.KindRegistry kinds, ILoggerFactory loggers)
    {
        var host = new NodeHost();
        foreach (var kind in kinds.InNodes)
        {
            host._systems[kind.Name] = kind.Node!.CreateSystem();
        }
        try
        {
            host.StartRoles(config, loggers);
            return host;
        }
        catch
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    private void StartRoles(NodeConfig config, ILoggerFactory loggers)
    {
        uint self = config.As;
        _logger = loggers.CreateLogger("node");
        _work = new BackgroundWork(_logger);
        foreach (var system in _systems.Values)
        {
            system.Start(config, loggers);
        }
        // Every role's certificate is checked before any role listens: a bad one must not leave the others listening meanwhile.
        var roles = new (object? Section, NodeRole Role)[]
        {
            (config.Btm, NodeRole.Btm), (config.Dtm, NodeRole.Dtm), (config.Itm, NodeRole.Itm), (config.DPoint, NodeRole.DPoint),
        };
        var credentialsOf = roles.Where(r => r.Section is not null).ToDictionary(r => r.Role, r => Credentials(config, r.Role));
        if (config.Btm is { } btmConfig)
        {
            var links = btmConfig.Links.Select(l => new BorderLink(l.Link, l.NeighborAs,
                l.Direction == "in" ? BorderDirection.In : BorderDirection.Out)).ToList();
            IBtmClient btm = btmConfig.Stub ? new StubBtm(self)
                : new BorderBtm(self, links, SystemNamed(btmConfig.System!, "btm").Evidence(btmConfig), TimeSpan.FromSeconds(btmConfig.ToleranceSeconds));
            Listen("btm", btmConfig.Listen, credentialsOf[NodeRole.Btm], [new NodeIdentity(self, NodeRole.Itm)],
                ManagerServices.Btm(btm, loggers.CreateLogger("btm"), _work), loggers);
        }
        if (config.Dtm is { } dtmConfig)
        {
            var routers = dtmConfig.Routers.Select(r => new DomainRouter(r.Name, [.. r.Ingress.Select(i => new RouterIngress(i.Link, i.From))])).ToList();
            IDtmClient dtm = dtmConfig.Stub ? new StubDtm(self)
                : new FloodDtm(self, routers, SystemNamed(dtmConfig.System!, "dtm").Evidence(dtmConfig), TimeSpan.FromSeconds(dtmConfig.ToleranceSeconds));
            Listen("dtm", dtmConfig.Listen, credentialsOf[NodeRole.Dtm], [new NodeIdentity(self, NodeRole.Itm)],
                ManagerServices.Dtm(dtm, loggers.CreateLogger("dtm"), _work), loggers);
        }
        if (config.Itm is { } itmConfig)
        {
            var credentials = credentialsOf[NodeRole.Itm];
            var networkBtm = itmConfig.Btm is null ? null : Own(new NetworkBtmClient(Peer(itmConfig.Btm, self, NodeRole.Btm), credentials));
            IBtmClient btm = networkBtm ?? (IBtmClient)new StubBtm(self);
            var neighbors = itmConfig.Neighbors.ToDictionary(n => uint.Parse(n.Key, CultureInfo.InvariantCulture),
                n => Peer(n.Value, uint.Parse(n.Key, CultureInfo.InvariantCulture), NodeRole.Itm));
            var skipOver = SkipOver(config, itmConfig, credentials);
            var reachable = new Dictionary<uint, PeerEndpoint>(neighbors); // and, for skip-over, every ITM of the directory
            foreach (var (asNumber, (host, port)) in skipOver.Directory?.Itms ?? new Dictionary<uint, (string, int)>())
            {
                reachable.TryAdd(asNumber, new PeerEndpoint(host, port, new NodeIdentity(asNumber, NodeRole.Itm)));
            }
            var settings = new ItmSettings(self)
            {
                TraceTimeout = TimeSpan.FromSeconds(itmConfig.TraceTimeoutSeconds),
                DenyAses = itmConfig.Deny.ToHashSet(),
                AllowAses = itmConfig.Allow?.ToHashSet(),
                NeighborRateLimit = itmConfig.RateLimit,
                ExportLevels = itmConfig.ExportLevels.ToDictionary(e => uint.Parse(e.Key, CultureInfo.InvariantCulture),
                    e => e.Value switch { "all" => ExportLevelKind.All, "intra-as" => ExportLevelKind.IntraAs, _ => ExportLevelKind.InterAs }),
                SkipOver = skipOver.Settings,
            };
            var neighborNetwork = Own(new NetworkItmNeighbors(reachable, credentials));
            var dtms = itmConfig.Dtms.Select(d => (IDtmClient)Own(new NetworkDtmClient(Peer(d, self, NodeRole.Dtm), credentials))).ToList();
            var itm = new Itm(settings, btm, dtms, neighborNetwork, logger: loggers.CreateLogger("itm"));
            var watched = neighborNetwork.Channels.Where(c => neighbors.ContainsKey(c.Key)).ToDictionary(c => $"AS{c.Key}/itm", c => c.Value);
            if (networkBtm is not null)
            {
                watched[$"AS{self}/btm"] = networkBtm.Channel;
            }
            var monitor = new HeartbeatMonitor(credentials.Identity, watched, TimeSpan.FromSeconds(itmConfig.HeartbeatSeconds),
                loggers.CreateLogger("heartbeat"));
            _resources.Add(monitor); // resources stop in reverse order: the monitor before the channels it uses
            monitor.Start();
            Heartbeats = monitor;
            TraceProgress = itm.Progress;
            Listen("itm", itmConfig.Listen, credentials,
                [.. reachable.Keys.Select(n => new NodeIdentity(n, NodeRole.Itm)), new NodeIdentity(self, NodeRole.DPoint)],
                ManagerServices.Itm(itm, loggers.CreateLogger("itm"), _work), loggers);
        }
        if (config.DPoint is { } dpConfig)
        {
            var credentials = credentialsOf[NodeRole.DPoint];
            var itmPeer = Peer(dpConfig.Itm, self, NodeRole.Itm);
            var channel = Own(new PeerChannel(itmPeer.Identity.ToString(),
                ct => MessageClient.ConnectTlsAsync(itmPeer.Host, itmPeer.Port, itmPeer.Identity, credentials, cancellationToken: ct)));
            var store = new DPointStore(dpConfig.Database, TimeSpan.FromDays(dpConfig.KeepResultsDays));
            _owned.Add(store);
            var policy = new DPointPolicy
            {
                RateLimit = dpConfig.RateLimit,
                MaxEvidenceAge = TimeSpan.FromSeconds(dpConfig.MaxEvidenceAgeSeconds),
                MaxFootmarks = dpConfig.MaxFootmarks,
                MaxConcurrentTraces = dpConfig.MaxConcurrentTraces,
                MaxQueuedTraces = dpConfig.MaxQueuedTraces,
            };
            var dpoint = new DPoint(self, policy, channel, store, loggers.CreateLogger("dp"), work: _work);
            (DPoint, DPointStore) = (dpoint, store);
            var clients = (dpConfig.Clients.Count == 0 ? [self] : dpConfig.Clients).Select(a => new NodeIdentity(a, NodeRole.Client));
            Listen("dp", dpConfig.Listen, credentials, clients, dpoint.Handler, loggers);
            if (dpConfig.LegacyPort is { } legacyPort)
            {
                var legacy = MessageListener.StartPlain(legacyPort, new NodeIdentity(self, NodeRole.DPoint), dpoint.Handler,
                    IPAddress.Parse(dpConfig.LegacyBind), logger: loggers.CreateLogger("dp-legacy"));
                _resources.Add(legacy);
                _listeners.Add(legacy);
                Listening["dp-legacy"] = legacy.LocalEndPoint;
            }
        }
    }

    /// <summary>The AS graph and the signed directory of ITMs, when configured: skip-over, and the ITMs it may reach and admit.</summary>
    private static (SkipOverSettings? Settings, ItmDirectory? Directory) SkipOver(NodeConfig config, ItmConfig itm, TlsCredentials credentials)
    {
        if (itm.AsGraph is null || itm.Directory is null)
        {
            return (null, null);
        }
        AsGraph graph;
        ItmDirectory directory;
        try
        {
            graph = CaidaFormat.Read(itm.AsGraph);
        }
        catch (FormatException e)
        {
            throw new ConfigException($"itm.asGraph: {e.Message}", e);
        }
        try
        {
            directory = ItmDirectory.Load(itm.Directory, credentials.FederationCa);
        }
        catch (FormatException e)
        {
            throw new ConfigException($"itm.directory: {e.Message}", e);
        }
        return (itm.SkipOver.Settings(graph, directory.Contains, directory.SendsNotices), directory);
    }

    private ITracebackSystem SystemNamed(string name, string role) =>
        _systems.GetValueOrDefault(name) ?? throw new ConfigException($"{role}.system: this program does not run '{name}' systems");

    private void Listen(string role, string endpoint, TlsCredentials credentials, IEnumerable<NodeIdentity> allowed, MessageHandler handler,
        ILoggerFactory loggers)
    {
        MessageListener listener;
        try
        {
            listener = MessageListener.StartTls(HostPort.ToEndPoint(endpoint), credentials, PeerAuthenticator.Only(allowed), handler,
                logger: loggers.CreateLogger(role));
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new ConfigException($"{role}.listen: cannot listen on {endpoint}: {e.Message}", e);
        }
        _resources.Add(listener);
        _listeners.Add(listener);
        Listening[role] = listener.LocalEndPoint;
    }

    private TlsCredentials Credentials(NodeConfig config, NodeRole role)
    {
        var credentials = LoadCredentials(config, role);
        _owned.Add(credentials);
        return credentials;
    }

    /// <summary>The certificate and key of one of the node's roles (<c>certificates/asN-ROLE.crt/.key</c>), checked as its peers will check them.</summary>
    /// <exception cref="ConfigException">Missing, unreadable, for another identity, or one the peers would refuse.</exception>
    public static TlsCredentials LoadCredentials(NodeConfig config, NodeRole role)
    {
        var identity = new NodeIdentity(config.As, role);
        string stem = Path.Combine(config.Certificates, $"as{config.As}-{identity.RoleName}");
        TlsCredentials credentials;
        try
        {
            credentials = TlsCredentials.Load(new CredentialFiles(NamedFile.Field("certificates", stem + ".crt"),
                NamedFile.Field("certificates", stem + ".key"),
                NamedFile.Field("ca", config.Ca), config.Crl is null ? null : NamedFile.Field("crl", config.Crl),
                $"the certificate of {identity} from 'intertrack pki issue --as {config.As} --role {identity.RoleName}'"));
        }
        catch (FormatException e)
        {
            throw new ConfigException(e.Message, e);
        }
        if (credentials.Identity != identity)
        {
            credentials.Dispose();
            throw new ConfigException($"certificates: {stem}.crt is for {credentials.Identity}, not {identity}");
        }
        // What our peers will check, checked before we serve: a certificate they refuse would only fail later, one peer at a time.
        foreach (bool asServer in new[] { true, false })
        {
            if (new PeerAuthenticator(credentials.FederationCa, _ => true, null, credentials.Revoked, asServer).Authenticate(credentials.Certificate,
                out var why) is null)
            {
                credentials.Dispose();
                throw new ConfigException($"certificates: {stem}.crt would be refused by our peers: {why}");
            }
        }
        return credentials;
    }

    private static PeerEndpoint Peer(string endpoint, uint asNumber, NodeRole role)
    {
        var (host, port) = Split(endpoint);
        return new PeerEndpoint(host, port, new NodeIdentity(asNumber, role));
    }

    private static (string Host, int Port) Split(string endpoint) =>
        HostPort.TryParse(endpoint, out string host, out int port) ? (host, port)
            : throw new ConfigException($"'{endpoint}' is not HOST:PORT"); // NodeConfig.Validate checked it already

    private T Own<T>(T resource) where T : IAsyncDisposable
    {
        _resources.Add(resource);
        return resource;
    }

    /// <summary>
    /// The graceful part of stopping: no new connections are taken, the answers in flight get
    /// <paramref name="grace"/> to finish, then the D Point fails the traces still running, telling
    /// their clients and storing why. <see cref="DisposeAsync"/> then frees everything.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        foreach (var listener in _listeners)
        {
            listener.StopAccepting();
        }
        if (await _work.WhenIdleAsync(grace).ConfigureAwait(false) > 0 && DPoint is not null)
        {
            await DPoint.StopTracesAsync().ConfigureAwait(false);
            await _work.WhenIdleAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in Enumerable.Reverse(_resources))
        {
            await resource.DisposeAsync().ConfigureAwait(false);
        }
        // The listeners are closed and their handlers cancelled: let the answers in flight end before
        // what they use (the D Point's database, native digest pages) is freed.
        if (await _work.WhenIdleAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false) is > 0 and var left)
        {
            NodeLog.WorkLeft(_logger, left);
        }
        foreach (var system in _systems.Values)
        {
            await system.DisposeAsync().ConfigureAwait(false); // stops the agents, saving what they gathered
        }
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }
}

internal static partial class NodeLog
{
    [LoggerMessage(LogEvents.WorkLeftAtStop, LogLevel.Warning, "Stopping with {Count} answers still running after 10 s")]
    public static partial void WorkLeft(ILogger logger, int count);
}
