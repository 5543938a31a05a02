using System.Net;
using InterTrack.Emulation;
using InterTrack.Node.Transport;
using InterTrack.OperatorView.Telemetry;
using InterTrack.OperatorView.Web;
using InterTrack.Protocol.Model;
using InterTrack.Rid;
using Microsoft.Extensions.Logging;

namespace InterTrack.Cli;

/// <summary>What <c>intertrack emulate --serve</c> tells an external client, one "key: value" line each.</summary>
internal sealed record ServedEndpoints(IPEndPoint DPoint, IPEndPoint? LegacyDPoint, Uri? Rid, Uri Web, Uri Metrics,
    string Ca, string ClientCertificate, string ClientKey, string Pcap, uint VictimAs);

/// <summary>A RID gateway for a served emulation: its port on 127.0.0.1 (0: any), its patience, and where results go after a 202.</summary>
internal sealed record ServedRid(int Port, TimeSpan Patience, IReadOnlyDictionary<uint, Uri> Callbacks);

/// <summary>How to serve: where the files go, and the ports on 127.0.0.1 (0: any free port) of what is put in front of the D Point.</summary>
/// <param name="LegacyPort">The D Point's plain-TCP port for legacy clients; null for none.</param>
/// <param name="Rid">A RID gateway in front of the D Point (RFC 6545/6546); null for none.</param>
internal sealed record ServeOptions(string Directory, int? LegacyPort = null, ServedRid? Rid = null, int WebPort = 0, int MetricsPort = 0);

/// <summary>
/// <c>intertrack emulate --serve</c> composed: the attacked Internet kept running
/// (<see cref="ServedInternet"/>), and in front of its victim's D Point the legacy client port, a
/// RID gateway, the Prometheus endpoint and the operator page. Stopped by disposing, in reverse.
/// </summary>
internal sealed class EmulationServer : IAsyncDisposable
{
    private ServedInternet? _internet;
    private RidGateway? _rid;
    private TelemetryEndpoint? _telemetry;
    private TlsCredentials? _webClient;
    private OperatorSite? _web;

    private EmulationServer() { }

    public ServedEndpoints Endpoints { get; private set; } = null!;

    /// <param name="progress">Told each step of the start-up.</param>
    /// <exception cref="CommandException">A port cannot be bound (the message names its option).</exception>
    public static async Task<EmulationServer> StartAsync(Scenario scenario, ServeOptions options, Action<string> progress, ILoggerFactory loggers)
    {
        // A taken port fails now, not after the emulation's start-up (tens of seconds on a large topology).
        ServedPort.CheckFree("--legacy-client-port", options.LegacyPort ?? 0);
        ServedPort.CheckFree("--rid-port", options.Rid?.Port ?? 0);
        ServedPort.CheckFree("--web-port", options.WebPort);
        ServedPort.CheckFree("--metrics-port", options.MetricsPort);
        var server = new EmulationServer();
        try
        {
            await server.StartPartsAsync(scenario, options, progress, loggers).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartPartsAsync(Scenario scenario, ServeOptions options, Action<string> progress, ILoggerFactory loggers)
    {
        var internet = _internet = await ServedInternet.StartAsync(scenario, TracebackKinds.All, options.Directory, progress).ConfigureAwait(false);
        var legacy = options.LegacyPort is { } legacyPort ? ServedPort.Bind("--legacy-client-port", legacyPort, () => internet.ListenLegacy(legacyPort)) : null;
        if (options.Rid is { } rid)
        {
            progress("RID gateway in front of the D Point");
            var gateway = _rid = new RidGateway(new RidGatewayOptions(new IPEndPoint(IPAddress.Loopback, rid.Port), ("127.0.0.1", internet.DPointEndpoint.Port),
                rid.Patience, TimeSpan.FromMinutes(2), rid.Callbacks), internet.Issue(NodeRole.DPoint), internet.Issue(NodeRole.Client), loggers);
            await ServedPort.BindAsync("--rid-port", rid.Port,
                async () => { await gateway.StartAsync().ConfigureAwait(false); return gateway; }).ConfigureAwait(false);
        }
        progress("operator page and Prometheus endpoint");
        _telemetry = await ServedPort.BindAsync("--metrics-port", options.MetricsPort, () => TelemetryEndpoint.StartAsync(
            new IPEndPoint(IPAddress.Loopback, options.MetricsPort), null, false, $"intertrack-emulation-as{internet.Victim}")).ConfigureAwait(false);
        _webClient = internet.Issue(NodeRole.Client);
        _web = await ServedPort.BindAsync("--web-port", options.WebPort, () => OperatorSite.StartAsync(
            new OperatorSources(internet.Victim, internet.Store, internet.DPoint, null, internet.Progress, internet.DPointEndpoint, _webClient),
            new IPEndPoint(IPAddress.Loopback, options.WebPort), null, _ => false, loggers)).ConfigureAwait(false);
        var files = internet.Files;
        Endpoints = new ServedEndpoints(internet.DPointEndpoint, legacy, _rid is null ? null : new Uri($"https://127.0.0.1:{_rid.LocalEndPoint.Port}/"),
            _web.Url,
            _telemetry.MetricsUrl!, files.Ca, files.ClientCertificate, files.ClientKey, files.Pcap, internet.Victim);
    }

    public async ValueTask DisposeAsync()
    {
        if (_internet is not null)
        {
            await _internet.DPoint.StopTracesAsync().ConfigureAwait(false); // its clients (the page's uploads, the gateway's peers) are told at once
        }
        // What stands in front of the D Point, all at once: each waits for its own server to stop.
        await Task.WhenAll(new IAsyncDisposable?[] { _web, _telemetry,
            _rid }.OfType<IAsyncDisposable>().Select(d => d.DisposeAsync().AsTask())).ConfigureAwait(false);
        _webClient?.Dispose();
        if (_internet is not null)
        {
            await _internet.DisposeAsync().ConfigureAwait(false);
        }
    }
}
