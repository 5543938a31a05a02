using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using System.Xml.Linq;
using InterTrack.Node.Client;
using InterTrack.Node.Pki;
using InterTrack.Node.Telemetry;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace InterTrack.Rid;

/// <param name="Listen">Where the gateway serves HTTPS (RID's port is 4590).</param>
/// <param name="DPoint">Its AS's D Point, which it asks as a Traceback Client.</param>
/// <param name="Patience">How long a request waits for its trace before it is answered 202 and the result is posted back.</param>
/// <param name="Callbacks">Where results are posted back after a 202, by the requesting peer's AS.</param>
public sealed record RidGatewayOptions(IPEndPoint Listen, (string Host, int Port) DPoint, TimeSpan Patience, TimeSpan TraceWait,
    IReadOnlyDictionary<uint, Uri> Callbacks,
    long MaxBodyBytes = 1 << 20);

/// <summary>
/// The RID gateway role (RFC 6545 messages over HTTPS, RFC 6546): CSIRTs and peers holding a
/// Traceback Client certificate of the federation's CA post a RID TraceRequest or
/// InvestigationRequest (or the older Request and Investigation) whose IODEF document carries the
/// attack packets; the gateway traces them through its AS's D Point and answers a RID Result with
/// the IODEF traceback incident, under the request's IncidentID so that the requester can match
/// it — 200 when the trace ends within <see cref="RidGatewayOptions.Patience"/>, else 202 and the
/// Result is posted to the peer's callback URL when it ends. Everything it sends is valid against
/// RFC 6545's schema (see <see cref="RidMessage"/>). POST <c>/</c> only (any
/// other method on <c>/</c>: 405 with <c>Allow: POST</c>); <c>application/rid+xml</c> or
/// <c>text/xml</c>. A body that is too large, not XML, has a DTD, or is not a RID trace request
/// gets a RID Acknowledgement Denied with the reason (HTTP 413, 415 or 400), never a crash.
/// </summary>
public sealed class RidGateway : IAsyncDisposable
{
    private readonly RidGatewayOptions _options;
    private readonly TlsCredentials _server, _client;
    private readonly ILogger _logger;
    private readonly WebApplication _app;
    private readonly RidClient _callbacks;
    private readonly List<Task> _pending = [];
    private readonly CancellationTokenSource _stopping = new();

    /// <param name="server">The certificate it serves with (the D Point's); the gateway owns it.</param>
    /// <param name="client">The Traceback Client certificate it asks the D Point with, and posts callbacks with; the gateway owns it.</param>
    public RidGateway(RidGatewayOptions options, TlsCredentials server, TlsCredentials client, ILoggerFactory loggers)
    {
        _options = options;
        _server = server;
        _client = client;
        _logger = loggers.CreateLogger("rid");
        _callbacks = new RidClient(client, TimeSpan.FromSeconds(30));
        var peers = new PeerAuthenticator(server.FederationCa, identity => identity.Role == NodeRole.Client, revoked: server.Revoked);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes + 1;
            kestrel.Listen(options.Listen, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = server.Certificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) =>
                {
                    if (peers.Authenticate(certificate, out string? reason) is null)
                    {
                        RidLog.Refused(_logger, certificate.Subject, reason ?? "");
                        return false;
                    }
                    return true;
                },
            }));
        });
        _app = builder.Build();
        _app.MapPost("/", HandleAsync);
        _app.MapMethods("/", ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"], context =>
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return Task.CompletedTask;
        });
    }

    /// <summary>Where it listens (the port when 0 was asked).</summary>
    public IPEndPoint LocalEndPoint { get; private set; } = null!;

    public async Task StartAsync()
    {
        await _app.StartAsync().ConfigureAwait(false);
        var address = new Uri(_app.Urls.First());
        LocalEndPoint = new IPEndPoint(_options.Listen.Address, address.Port);
        if (!NamesAHost(_server.Certificate))
        {
            RidLog.NoHostName(_logger, _server.Identity.ToString());
        }
    }

    /// <summary>Whether the certificate names a DNS name or IP address, which HTTPS clients checking the host name need.</summary>
    private static bool NamesAHost(X509Certificate2 certificate) =>
        certificate.Extensions.Where(e => e.Oid?.Value == "2.5.29.17").Select(e => new X509SubjectAlternativeNameExtension(e.RawData))
            .Any(names => names.EnumerateDnsNames().Any() || names.EnumerateIPAddresses().Any());

    private uint Self => _server.Identity.AsNumber;

    private async Task HandleAsync(HttpContext context)
    {
        var peer = context.Connection.ClientCertificate is { } presented ? CertificateIdentity.Read(presented) : null;
        string from = peer?.ToString() ?? "unknown peer";
        string mediaType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        if (mediaType is not (RidClient.MediaType or "text/xml" or "application/xml"))
        {
            await DenyAsync(context, StatusCodes.Status415UnsupportedMediaType, "UnrecognizedFormat", $"media type '{mediaType}' is not application/rid+xml",
                from).ConfigureAwait(false);
            return;
        }
        XDocument document;
        try
        {
            using var body = await ReadBoundedAsync(context.Request.Body, _options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
            document = SafeXml.Parse(body, _options.MaxBodyBytes);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            await DenyAsync(context, StatusCodes.Status413PayloadTooLarge, "SystemResource", $"the message is larger than {_options.MaxBodyBytes} bytes",
                from).ConfigureAwait(false);
            return;
        }
        catch (XmlException e)
        {
            await DenyAsync(context, StatusCodes.Status400BadRequest, "UnrecognizedFormat", $"not a well-formed XML document without DTD: {e.Message}",
                from).ConfigureAwait(false);
            return;
        }
        RidMessage message;
        List<(byte[] IpPacket, long TimestampNs)> packets;
        try
        {
            message = RidMessage.From(document);
        }
        catch (FormatException e)
        {
            await DenyAsync(context, StatusCodes.Status400BadRequest, "UnrecognizedFormat", e.Message, from).ConfigureAwait(false);
            return;
        }
        if (!RidMessage.TraceRequests.Contains(message.MsgType))
        {
            await DenyAsync(context, StatusCodes.Status400BadRequest, "CannotProcess",
                $"this gateway answers trace requests (TraceRequest, InvestigationRequest), not {message.MsgType}", from, message).ConfigureAwait(false);
            return;
        }
        try
        {
            packets = IodefPackets.Read(message.IodefDocument ?? throw new FormatException("the RID message carries no IODEF-Document"));
        }
        catch (FormatException e)
        {
            await DenyAsync(context, StatusCodes.Status400BadRequest, "UnrecognizedFormat", e.Message, from, message).ConfigureAwait(false);
            return;
        }
        RidLog.Received(_logger, message.MsgType, from, packets.Count, message.IncidentId ?? "");
        var trace = TraceAsync(packets, message);
        var finished = await Task.WhenAny(trace, Task.Delay(_options.Patience, context.RequestAborted)).ConfigureAwait(false);
        if (finished == trace)
        {
            var (status, answer) = await trace.ConfigureAwait(false);
            RidLog.Answered(_logger, from, status);
            await WriteAsync(context, status, answer).ConfigureAwait(false);
            return;
        }
        await WriteAsync(context, StatusCodes.Status202Accepted, RidMessage.Acknowledgement(Self, message.IncidentName, message.IncidentId, "Pending", null,
            "the trace is running; the Result will be posted to your callback URL")).ConfigureAwait(false);
        lock (_pending)
        {
            _pending.Add(CallBackAsync(trace, peer, from));
        }
    }

    private string Name => $"intertrack:AS{Self}";

    /// <summary>
    /// Traces through the D Point; the RID answer (status and document) is a Result, or an
    /// Acknowledgement saying why not, either under the request's IncidentID (the Result under the
    /// trace's message id when the request named none).
    /// </summary>
    private async Task<(int Status, XDocument Answer)> TraceAsync(List<(byte[] IpPacket, long TimestampNs)> packets, RidMessage request)
    {
        try
        {
            await using var connection = await TracebackClient.ConnectAsync(_options.DPoint.Host, _options.DPoint.Port, _client,
                _stopping.Token).ConfigureAwait(false);
            var dpoint = new NodeIdentity(Self, NodeRole.DPoint).ToNodeId();
            var view = await TracebackClient.TraceAsync(connection, _client.Identity.ToNodeId(), dpoint, packets, _ => { }, _options.TraceWait,
                _stopping.Token).ConfigureAwait(false);
            var incident = TracebackIncident.Build(view, packets, Self, $"{_options.DPoint.Host}:{_options.DPoint.Port}", DateTimeOffset.UtcNow);
            var (name, id) = request.IncidentId is { Length: > 0 } ? (request.IncidentName, request.IncidentId) : (Name, view.MessageId.ToString());
            return (StatusCodes.Status200OK, RidMessage.Build("Result", Self, name, id, iodef: incident));
        }
        catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException
            or System.Security.Authentication.AuthenticationException)
        {
            return (StatusCodes.Status503ServiceUnavailable, RidMessage.Acknowledgement(Self, request.IncidentName, request.IncidentId, "Denied",
                "SystemResource", $"the trace failed: {e.Message}"));
        }
    }

    private async Task CallBackAsync(Task<(int Status, XDocument Answer)> trace, NodeIdentity? peer, string from)
    {
        var (status, answer) = await trace.ConfigureAwait(false);
        if (peer is null || !_options.Callbacks.TryGetValue(peer.AsNumber, out var url))
        {
            RidLog.NoCallback(_logger, from);
            return;
        }
        try
        {
            var (answered, _) = await _callbacks.PostAsync(url, answer, _stopping.Token).ConfigureAwait(false);
            RidLog.CalledBack(_logger, from, url, status, (int)answered);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            RidLog.CallbackFailed(_logger, from, url, e.GetBaseException().Message);
        }
    }

    /// <param name="request">The request when it could be read: the denial names its incident.</param>
    private async Task DenyAsync(HttpContext context, int status, string justification, string why, string from, RidMessage? request = null)
    {
        RidLog.Denied(_logger, from, status, why);
        await WriteAsync(context, status, RidMessage.Acknowledgement(Self, request?.IncidentName, request?.IncidentId, "Denied", justification,
            why)).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, int status, XDocument answer)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(answer.ToString(SaveOptions.DisableFormatting));
        context.Response.StatusCode = status;
        context.Response.ContentType = RidClient.MediaType + "; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The body in memory, at most <paramref name="limit"/> bytes: a larger one is refused after reading limit + 1 bytes.</summary>
    /// <exception cref="InvalidDataException">The body is larger than the limit.</exception>
    private static async Task<MemoryStream> ReadBoundedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (copy.Length + read > limit)
            {
                await copy.DisposeAsync().ConfigureAwait(false);
                throw new InvalidDataException("too large");
            }
            copy.Write(buffer, 0, read);
        }
        copy.Position = 0;
        return copy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        Task[] pending;
        lock (_pending)
        {
            pending = [.. _pending];
        }
        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _callbacks.Dispose();
        _stopping.Dispose();
        _server.Dispose();
        _client.Dispose();
    }
}

internal static partial class RidLog
{
    [LoggerMessage(LogEvents.RidReceived, LogLevel.Information, "RID {MsgType} from {Peer}: {Packets} packets (incident {Incident}); tracing")]
    public static partial void Received(ILogger logger, string msgType, string peer, int packets, string incident);

    [LoggerMessage(LogEvents.RidAnswered, LogLevel.Information, "RID answer to {Peer}: HTTP {Status}")]
    public static partial void Answered(ILogger logger, string peer, int status);

    [LoggerMessage(LogEvents.RidDenied, LogLevel.Warning, "RID request from {Peer} denied with HTTP {Status}: {Why}")]
    public static partial void Denied(ILogger logger, string peer, int status, string why);

    [LoggerMessage(LogEvents.RidClientRefused, LogLevel.Warning, "RID client certificate {Subject} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string subject, string reason);

    [LoggerMessage(LogEvents.RidCalledBack, LogLevel.Information, "RID result for {Peer} (HTTP {Status}) posted to {Url}: it answered {Answered}")]
    public static partial void CalledBack(ILogger logger, string peer, Uri url, int status, int answered);

    [LoggerMessage(LogEvents.RidCallbackFailed, LogLevel.Warning, "RID result for {Peer} could not be posted to {Url}: {Reason}")]
    public static partial void CallbackFailed(ILogger logger, string peer, Uri url, string reason);

    [LoggerMessage(LogEvents.RidNoCallback, LogLevel.Warning,
        "RID result for {Peer} is ready but no callback URL is configured for it (rid.callbacks); the D Point keeps it")]
    public static partial void NoCallback(ILogger logger, string peer);

    [LoggerMessage(LogEvents.RidCertificateNamesNoHost, LogLevel.Warning,
        "RID gateway certificate ({Identity}) names no DNS name or IP address: agents that check the host name will refuse it; issue it with " +
        "'intertrack pki issue --host NAME'")]
    public static partial void NoHostName(ILogger logger, string identity);
}
