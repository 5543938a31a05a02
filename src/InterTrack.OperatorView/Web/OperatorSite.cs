using System.Net;
using InterTrack.Node;
using InterTrack.Node.Client;
using InterTrack.Node.Pki;
using InterTrack.Node.Telemetry;
using InterTrack.Node.Transport;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InterTrack.OperatorView.Web;

/// <summary>
/// The D Point's operator page on Kestrel: the traces from the D Point's SQLite store, each
/// trace's attack tree (<see cref="AttackTreePicture"/>) and router paths, the traces in flight,
/// the neighbours' heartbeats, and a form that traces the packets of an uploaded pcap. Plain HTTP
/// on loopback, or HTTPS with mutual TLS for the Traceback Clients' certificates
/// (<paramref name="https"/>); the form is protected against cross-site posts.
/// </summary>
public sealed partial class OperatorSite : IAsyncDisposable
{
    public const long MaxUploadBytes = 64L << 20;
    private static readonly TimeSpan TraceWait = TimeSpan.FromMinutes(10);

    private readonly WebApplication _app;
    private readonly OperatorSources _sources;
    private readonly ILogger _logger;
    private readonly BackgroundWork _work;
    private readonly CancellationTokenSource _stopping = new();

    /// <param name="https">Serve HTTPS with this (the D Point's) certificate, admitting only clients whose certificate
    /// <paramref name="admit"/> accepts.</param>
    private OperatorSite(OperatorSources sources, IPEndPoint listen, TlsCredentials? https, Func<NodeIdentity, bool> admit, ILoggerFactory loggers)
    {
        _sources = sources;
        _logger = loggers.CreateLogger("web");
        _work = new BackgroundWork(_logger);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAntiforgery();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxUploadBytes + 64 * 1024;
            kestrel.Listen(listen, endpoint =>
            {
                if (https is null)
                {
                    return;
                }
                var peers = new PeerAuthenticator(https.FederationCa, admit, revoked: https.Revoked);
                endpoint.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = https.Certificate,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (certificate, _, _) => peers.Authenticate(certificate, out _) is not null,
                });
            });
        });
        _app = builder.Build();
        _app.UseAntiforgery();
        _app.MapGet("/", Home);
        _app.MapGet("/traces/{sequence:long}", Trace);
        _app.MapGet("/traces/{sequence:long}/tree.svg", Tree);
        _app.MapPost("/traces", UploadAsync);
    }

    public Uri Url { get; private set; } = null!;

    /// <exception cref="IOException">The address cannot be bound.</exception>
    public static async Task<OperatorSite> StartAsync(OperatorSources sources, IPEndPoint listen, TlsCredentials? https, Func<NodeIdentity, bool> admit,
        ILoggerFactory loggers)
    {
        var site = new OperatorSite(sources, listen, https, admit, loggers);
        try
        {
            await site._app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await site.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot listen on {listen}: {e.Message}", e);
        }
        site.Url = new Uri($"{(https is null ? "http" : "https")}://{listen.Address}:{new Uri(site._app.Urls.First()).Port}/");
        WebLog.Serving(site._logger, site.Url);
        return site;
    }

    private IResult Home(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return Results.Content(OperatorPages.Home(_sources, tokens.FormFieldName, tokens.RequestToken, context.Request.Query["error"]),
            "text/html; charset=utf-8");
    }

    private IResult Trace(long sequence) => _sources.Store.Get(sequence) is { } t
        ? Results.Content(OperatorPages.Trace(_sources, t.Trace, t.Created, t.Finished), "text/html; charset=utf-8")
        : Results.Content(OperatorPages.Message("No such trace", $"the D Point has no trace {sequence} (finished traces are kept for dp.keepResultsDays)"),
        "text/html; charset=utf-8", statusCode: 404);

    private IResult Tree(long sequence)
    {
        if (_sources.Store.Get(sequence) is not { Trace: { Result: { } result, MessageId: { } id } })
        {
            return Results.NotFound();
        }
        var view = TraceResultView.From(Protocol.Model.MessageId.Parse(id), result);
        return Results.Content(AttackTreePicture.Svg($"Attack tree of trace {sequence}", view.TreeAses()), "image/svg+xml");
    }

    /// <summary>
    /// Traces the uploaded capture's packets as this AS's Traceback Client; answers once the D Point issued the message
    /// id, with the trace's page.
    /// </summary>
    private async Task<IResult> UploadAsync(IFormFile pcap, HttpContext context)
    {
        string from = context.Connection.RemoteIpAddress?.ToString() ?? "?";
        if (_sources.Client is not { } client)
        {
            return Refuse(from, "this page has no Traceback Client certificate to trace with");
        }
        List<(byte[] IpPacket, long TimestampNs)> packets;
        try
        {
            await using var stream = pcap.OpenReadStream();
            packets = UploadedPcap.Read(stream, maxPackets: 100_000);
        }
        catch (FormatException e)
        {
            return Refuse(from, $"{pcap.FileName}: {e.Message}");
        }
        WebLog.Upload(_logger, from, pcap.FileName, packets.Count);
        var issued = new TaskCompletionSource<Protocol.Model.MessageId>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Run("a trace from the web page", async () =>
        {
            try
            {
                await using var connection = await TracebackClient.ConnectAsync(_sources.DPointEndpoint.Address.ToString(), _sources.DPointEndpoint.Port,
                    client, _stopping.Token).ConfigureAwait(false);
                var dpoint = new NodeIdentity(_sources.As, Protocol.Model.NodeRole.DPoint).ToNodeId();
                await TracebackClient.TraceAsync(connection, client.Identity.ToNodeId(), dpoint, packets, id => issued.TrySetResult(id), TraceWait,
                    _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException
                or System.Security.Authentication.AuthenticationException)
            {
                issued.TrySetException(new IOException(e.Message, e)); // after the id, the D Point has stored the failure itself
            }
        });
        try
        {
            var id = await issued.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted).ConfigureAwait(false);
            var record = _sources.Store.FindByKey(id.ToString());
            return Results.Redirect(record is null ? "/" : $"/traces/{record.Sequence}");
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            return Refuse(from, $"the D Point did not take the trace: {e.Message}");
        }
    }

    private IResult Refuse(string from, string why)
    {
        WebLog.Refused(_logger, from, why);
        return Results.Redirect($"/?error={Uri.EscapeDataString(why)}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _work.WhenIdleAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static partial class WebLog
    {
        [LoggerMessage(LogEvents.WebServing, LogLevel.Information, "Operator page on {Url}")]
        public static partial void Serving(ILogger logger, Uri url);

        [LoggerMessage(LogEvents.WebUpload, LogLevel.Information, "Web: {From} uploaded {File} ({Packets} IP packets) to trace")]
        public static partial void Upload(ILogger logger, string from, string file, int packets);

        [LoggerMessage(LogEvents.WebRefused, LogLevel.Warning, "Web: refused a trace from {From}: {Why}")]
        public static partial void Refused(ILogger logger, string from, string why);
    }
}
