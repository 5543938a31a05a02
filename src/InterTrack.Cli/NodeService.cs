using System.Net;
using InterTrack.Node.Daemon;
using InterTrack.Node.Telemetry;
using InterTrack.Node.Transport;
using InterTrack.OperatorView.Telemetry;
using InterTrack.OperatorView.Web;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace InterTrack.Cli;

/// <summary>
/// One AS's node as a hosted service of <c>intertrack run</c>: the roles (<see cref="NodeHost"/>),
/// the RID gateway, the telemetry endpoints and the D Point's operator page, started in that
/// order and stopped gracefully in reverse. It tells systemd when it is ready and when it stops
/// (sd_notify, when NOTIFY_SOCKET is set).
/// </summary>
internal sealed class NodeService(NodeConfig node, ILoggerFactory loggers, TextWriter output) : IHostedService
{
    private readonly SystemdNotifier _systemd = new();
    private TelemetryEndpoint? _telemetry;
    private NodeHost? _host;
    private Rid.RidGateway? _rid;
    private OperatorSite? _web;
    private readonly List<IDisposable> _credentials = [];

    /// <exception cref="CommandException">The configuration cannot be served (the message names the field).</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _telemetry = await StartTelemetryAsync();
            _host = NodeHost.Start(node, TracebackKinds.All, loggers);
            _rid = await StartRidAsync();
            _web = await StartWebAsync(_host);
        }
        catch (Exception e) when (e is ConfigException or System.Net.Sockets.SocketException or SharpPcap.PcapException or ArgumentException or IOException)
        {
            await StopAllAsync();
            throw new CommandException(e is ConfigException ? $"bad configuration: {e.Message}" : $"cannot start: {e.Message}", e);
        }
        foreach (var (role, endpoint) in _host.Listening)
        {
            output.WriteLine($"{role}: listening on {endpoint}");
        }
        if (_rid is not null)
        {
            output.WriteLine($"rid: listening on https://{_rid.LocalEndPoint}/");
        }
        if (_web is not null)
        {
            output.WriteLine($"web: {_web.Url}");
        }
        if (_telemetry?.MetricsUrl is { } metrics)
        {
            output.WriteLine($"metrics: {metrics}");
        }
        output.WriteLine($"AS{node.As} running; Ctrl+C or SIGTERM stops");
        output.Flush();
        if (_systemd.IsEnabled)
        {
            _systemd.Notify(ServiceState.Ready);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        output.WriteLine("stopping");
        output.Flush();
        if (_systemd.IsEnabled)
        {
            _systemd.Notify(ServiceState.Stopping);
        }
        if (_host is not null)
        {
            await _host.StopAsync(TimeSpan.FromSeconds(node.ShutdownGraceSeconds));
        }
        await StopAllAsync();
        output.WriteLine($"AS{node.As} stopped");
        output.Flush();
    }

    private async Task StopAllAsync()
    {
        if (_web is not null) await _web.DisposeAsync();
        if (_rid is not null) await _rid.DisposeAsync();
        if (_host is not null) await _host.DisposeAsync();
        if (_telemetry is not null) await _telemetry.DisposeAsync(); // last: flushes the spans of the traces that just ended
        foreach (var credentials in _credentials)
        {
            credentials.Dispose();
        }
        (_web, _rid, _host, _telemetry) = (null, null, null, null);
    }

    private async Task<TelemetryEndpoint?> StartTelemetryAsync()
    {
        if (node.Telemetry is not { } config)
        {
            return null;
        }
        try
        {
            return await TelemetryEndpoint.StartAsync(config.Metrics is null ? null : HostPort.ToEndPoint(config.Metrics),
                config.Otlp is null ? null : new Uri(config.Otlp), config.OtlpHttp, $"intertrack-as{node.As}");
        }
        catch (IOException e)
        {
            throw new ConfigException($"telemetry.metrics: {e.Message}", e);
        }
    }

    /// <summary>The RID gateway when the configuration has one: served with the AS's dp certificate, asking the D Point as its tc.</summary>
    private async Task<Rid.RidGateway?> StartRidAsync()
    {
        if (node.Rid is not { } config)
        {
            return null;
        }
        if (!HostPort.TryParse(config.Dp, out string host, out int port))
        {
            throw new ConfigException($"rid.dp: '{config.Dp}' is not HOST:PORT");
        }
        var options = new Rid.RidGatewayOptions(HostPort.ToEndPoint(config.Listen), (host, port),
            TimeSpan.FromSeconds(config.PatienceSeconds), TimeSpan.FromSeconds(config.TraceWaitSeconds),
            config.Callbacks.ToDictionary(c => uint.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture), c => new Uri(c.Value)));
        var gateway = new Rid.RidGateway(options, NodeHost.LoadCredentials(node, NodeRole.DPoint), NodeHost.LoadCredentials(node, NodeRole.Client), loggers);
        try
        {
            await gateway.StartAsync();
        }
        catch (IOException e)
        {
            await gateway.DisposeAsync();
            throw new ConfigException($"rid.listen {config.Listen}: {e.Message}", e);
        }
        return gateway;
    }

    /// <summary>The operator page when configured; it traces uploads as this AS's Traceback Client when the node has that certificate.</summary>
    private async Task<OperatorSite?> StartWebAsync(NodeHost host)
    {
        if (node.Web is not { } config || host.DPoint is null || host.DPointStore is null)
        {
            return null;
        }
        TlsCredentials? client = null;
        try
        {
            client = Keep(NodeHost.LoadCredentials(node, NodeRole.Client));
        }
        catch (ConfigException e)
        {
            NodeServiceLog.NoUploads(loggers.CreateLogger("web"), e.Message);
        }
        var https = config.Tls ? Keep(NodeHost.LoadCredentials(node, NodeRole.DPoint)) : null;
        var clients = (node.DPoint!.Clients.Count == 0 ? [node.As] : node.DPoint.Clients).ToHashSet();
        var dp = host.Listening["dp"];
        var sources = new OperatorSources(node.As, host.DPointStore, host.DPoint, host.Heartbeats, host.TraceProgress,
            new IPEndPoint(IPAddress.IsLoopback(dp.Address) || dp.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : dp.Address, dp.Port), client);
        try
        {
            return await OperatorSite.StartAsync(sources, HostPort.ToEndPoint(config.Listen), https,
                identity => identity.Role == NodeRole.Client && clients.Contains(identity.AsNumber), loggers);
        }
        catch (IOException e)
        {
            throw new ConfigException($"web.listen: {e.Message}", e);
        }
    }

    private TlsCredentials Keep(TlsCredentials credentials)
    {
        _credentials.Add(credentials);
        return credentials;
    }
}

internal static partial class NodeServiceLog
{
    [LoggerMessage(LogEvents.WebNoUploads, LogLevel.Warning, "web: the page cannot trace uploads: {Reason}")]
    public static partial void NoUploads(ILogger logger, string reason);
}
