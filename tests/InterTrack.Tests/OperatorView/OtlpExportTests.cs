using System.Collections.Concurrent;
using System.Net;
using System.Text;
using InterTrack.OperatorView.Telemetry;
using InterTrack.Tests.Managers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace InterTrack.Tests.OperatorView;

/// <summary>Spans leave the node over OTLP (HTTP/protobuf) to the collector it is configured with.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task The_spans_of_a_trace_reach_the_configured_otlp_collector()
    {
        // A collector's OTLP/HTTP endpoint: it keeps what is posted to /v1/traces.
        var posted = new ConcurrentQueue<byte[]>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            posted.Enqueue(body.ToArray());
            return Results.Ok();
        });
        await collector.StartAsync();
        var otlp = new Uri(new Uri(collector.Urls.First()), "/v1/traces");

        var telemetry = await TelemetryEndpoint.StartAsync(null, otlp, otlpHttp: true, "intertrack-test");
        using (var world = new AsWorld())
        {
            world.Connect(9202, 9201);
            var packets = world.Attack(3, 9202, 9201);
            world.Start();
            await world.TraceAsync(9201, packets);
        }
        await telemetry.DisposeAsync(); // flushes what is not exported yet

        // The protobuf carries the span names and attribute keys as plain strings.
        string all = string.Join("\n", posted.Select(b => Encoding.UTF8.GetString(b)));
        Assert.Contains("itm.trace", all, StringComparison.Ordinal);
        Assert.Contains("itm.forward", all, StringComparison.Ordinal);
        Assert.Contains("intertrack.message_id", all, StringComparison.Ordinal);
        Assert.Contains("intertrack-test", all, StringComparison.Ordinal); // the service name
    }
}
