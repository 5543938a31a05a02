using System.Net;
using InterTrack.Node.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace InterTrack.OperatorView.Telemetry;

/// <summary>
/// Exports the node's telemetry: its meters (<see cref="NodeMetrics"/>) on a Prometheus scrape
/// endpoint (<c>GET /metrics</c>, plain HTTP, meant for loopback or a management network), and its
/// spans (<see cref="NodeActivity"/>) over OTLP when a collector is configured.
/// </summary>
public sealed class TelemetryEndpoint : IAsyncDisposable
{
    private readonly WebApplication? _metrics;
    private readonly TracerProvider? _tracer;

    private TelemetryEndpoint(WebApplication? metrics, TracerProvider? tracer) => (_metrics, _tracer) = (metrics, tracer);

    /// <summary>Where Prometheus scrapes, once started; null without a metrics endpoint.</summary>
    public Uri? MetricsUrl { get; private set; }

    /// <param name="metrics">IP:PORT of the scrape endpoint (0: any port); null for none.</param>
    /// <param name="otlp">The OTLP collector's URL (http://host:4317 gRPC, or …:4318 with <paramref name="otlpHttp"/>); null for none.</param>
    /// <param name="service">The service name spans and series carry ("intertrack-as65001").</param>
    public static async Task<TelemetryEndpoint> StartAsync(IPEndPoint? metrics, Uri? otlp, bool otlpHttp, string service)
    {
        var tracer = otlp is null ? null : Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(service))
            .AddSource(NodeActivity.SourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = otlp;
                o.Protocol = otlpHttp ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
            })
            .Build();
        if (metrics is null)
        {
            return new TelemetryEndpoint(null, tracer);
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(metrics));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(service))
            .WithMetrics(m => m.AddMeter(NodeMetrics.MeterName).AddPrometheusExporter());
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        var endpoint = new TelemetryEndpoint(app, tracer);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot listen on {metrics}: {e.Message}", e);
        }
        endpoint.MetricsUrl = new Uri($"http://{metrics.Address}:{new Uri(app.Urls.First()).Port}/metrics");
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        if (_metrics is not null)
        {
            await _metrics.StopAsync().ConfigureAwait(false);
            await _metrics.DisposeAsync().ConfigureAwait(false);
        }
        _tracer?.Dispose(); // flushes the spans not exported yet
    }
}
