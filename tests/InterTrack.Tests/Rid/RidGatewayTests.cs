using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using InterTrack.Cli;
using InterTrack.Node.Transport;
using InterTrack.Packets.Capture;
using InterTrack.Rid;
using InterTrack.Tests.Kinds;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace InterTrack.Tests.Rid;

/// <summary>
/// A CSIRT's RID agent against the RID gateway in front of a served emulation, over HTTPS with
/// mutual TLS: trace requests (TraceRequest, InvestigationRequest, and the older envelope)
/// answered with an IODEF traceback incident under the request's IncidentID (at once, or 202 and
/// a callback), other methods refused with 405, and hostile documents answered with a RID
/// Acknowledgement Denied while the gateway keeps serving. Every message exchanged is checked
/// against the RID and IODEF schemas, as a validating agent would.
/// </summary>
public sealed class RidGatewayTests : IDisposable
{
    /// <summary>A served emulation with a RID gateway in front of its D Point.</summary>
    private static Task<ServedEmulation> ServeAsync(ServedRid rid) => ServedEmulation.StartAsync(ServedEmulation.Scenario(3, attackers: 3),
        directory => new ServeOptions(directory, Rid: rid));

    [Fact]
    public async Task A_trace_request_is_answered_with_an_iodef_incident_naming_the_origins_and_paths_and_hostile_documents_are_denied()
    {
        await using var served = await ServeAsync(new ServedRid(0, TimeSpan.FromSeconds(60), new Dictionary<uint, Uri>()));
        using var http = Client(served.Endpoints);
        var url = served.Endpoints.Rid!;

        var (status, answer) = await PostAsync(http, url, Request("TraceRequest", served.Packets(), "ddos-1"));
        Assert.Equal(HttpStatusCode.OK, status);
        var result = Valid(answer);
        Assert.Equal(("Result", "csirt.example", "ddos-1"), (result.MsgType, result.IncidentName, result.IncidentId));
        var flows = result.IodefDocument!.Descendants(Iodef.Ns + "Flow").Select(f => f.Elements(Iodef.Ns + "System").ToList()).ToList();
        var paths = flows.Where(f => (string?)f[^1].Attribute("category") == "source").ToList();
        Assert.Equal(3, paths.Count); // one path per attacker AS
        foreach (var path in paths)
        {
            Assert.Equal(served.Endpoints.VictimAs.ToString(System.Globalization.CultureInfo.InvariantCulture), Asn(path[0]));
            Assert.Equal("target", (string?)path[0].Attribute("category"));
            Assert.All(path[1..^1], s => Assert.Equal("intermediate", (string?)s.Attribute("category")));
            Assert.Equal("no", (string?)path[^1].Attribute("spoofed"));
        }
        Assert.Equal(30, result.IodefDocument.Descendants(Iodef.Ns + "RecordItem").Count()); // the evidence: every traced packet

        (status, answer) = await PostAsync(http, url, Request("InvestigationRequest", served.Packets(), "ddos-2"));
        Assert.Equal(HttpStatusCode.OK, status);
        var investigated = Valid(answer);
        Assert.Equal(("Result", "ddos-2"), (investigated.MsgType, investigated.IncidentId));
        Assert.Equal(3, investigated.IodefDocument!.Descendants(Iodef.Ns + "System").Count(s => (string?)s.Attribute("category") == "source"));

        using (var get = await http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
            Assert.Equal(["POST"], get.Content.Headers.Allow);
        }

        const string Xxe = """<?xml version="1.0"?><!DOCTYPE RID [<!ENTITY x SYSTEM "file:///etc/passwd">]><RID""" +
            """ xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0">&x;</RID>""";
        const string Laughs = """<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c""" +
            """ "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>""";
        foreach (var (body, mediaType, expected, justification) in new[]
        {
            (Xxe, RidClient.MediaType, HttpStatusCode.BadRequest, "UnrecognizedFormat"),
            (Laughs, RidClient.MediaType, HttpStatusCode.BadRequest, "UnrecognizedFormat"),
            ("<RID", "text/xml", HttpStatusCode.BadRequest, "UnrecognizedFormat"),
            ("<html/>", "text/xml", HttpStatusCode.BadRequest, "UnrecognizedFormat"),
            (RidMessage.Build("Report", 64512, "csirt.example", "ddos-3", iodef: CsirtRequests.Iodef(served.Packets())).ToString(), RidClient.MediaType,
            HttpStatusCode.BadRequest, "CannotProcess"),
            (Request("TraceRequest", [], "ddos-4").ToString(), RidClient.MediaType, HttpStatusCode.BadRequest, "UnrecognizedFormat"),
            ("{}", "application/json", HttpStatusCode.UnsupportedMediaType, "UnrecognizedFormat"),
        })
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            var (deniedStatus, denial) = await PostAsync(http, url, content);
            Assert.Equal(expected, deniedStatus);
            Assert.Equal(justification, Denial(denial));
            Assert.Empty(RidSchemas.Errors(XDocument.Parse(denial)));
        }

        // 100 MB, streamed: refused after the first MiB, never held. The answer comes while the
        // body is still being sent, so the client reads as it writes (HttpClient would not).
        var (hugeStatus, hugeDenial) = await PostHugeAsync(served.Endpoints, 100L << 20);
        Assert.Equal(413, hugeStatus);
        Assert.Equal("SystemResource", Denial(hugeDenial));

        // Still serving, and still taking the envelope earlier InterTrack clients sent.
        (status, answer) = await PostAsync(http, url, CsirtRequests.Legacy("Request", CsirtRequests.Iodef(served.Packets()), "ddos-5"));
        Assert.Equal(HttpStatusCode.OK, status);
        var legacy = Valid(answer);
        Assert.Equal(("Result", "ddos-5"), (legacy.MsgType, legacy.IncidentId));
    }

    [Fact]
    public async Task A_trace_longer_than_the_requests_patience_is_accepted_and_its_result_posted_back()
    {
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var callback = await CallbackReceiverAsync(received);
        var callbackUrl = new Uri($"https://127.0.0.1:{callback.Port}/");
        uint victim = 0;
        await using var served = await ServeAsync(new ServedRid(0, TimeSpan.Zero, new LazyCallbacks(() => victim, callbackUrl)));
        victim = served.Endpoints.VictimAs;
        _serverCertificate = X509Certificate2.CreateFromPemFile(served.Endpoints.ClientCertificate, served.Endpoints.ClientKey);
        using var http = Client(served.Endpoints);

        var (status, answer) = await PostAsync(http, served.Endpoints.Rid!, Request("TraceRequest", served.Packets(), "ddos-6"));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var pending = Valid(answer);
        Assert.Equal(("Acknowledgement", "ddos-6"), (pending.MsgType, pending.IncidentId));

        // Posted back under the request's IncidentID: the requester matches it to its request.
        var posted = Valid(await received.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(("Result", "csirt.example", "ddos-6"), (posted.MsgType, posted.IncidentName, posted.IncidentId));
        Assert.Equal(3, posted.IodefDocument!.Descendants(Iodef.Ns + "System").Count(s => (string?)s.Attribute("category") == "source"));
    }

    private static string Asn(XElement system) => system.Descendants(Iodef.Ns + "Address").Single(a => (string?)a.Attribute("category") == "asn").Value;

    private static string? Denial(string body) =>
        (string?)XDocument.Parse(body).Descendants(Iodef.Rid + "RequestStatus")
            .Single(s => (string?)s.Attribute("AuthorizationStatus") == "Denied").Attribute("Justification");

    /// <summary>
    /// A trace request of <paramref name="msgType"/> for incident <paramref name="incidentId"/>, as <c>rid send</c>
    /// builds it: schema-valid itself.
    /// </summary>
    private static XDocument Request(string msgType, IReadOnlyList<(byte[] Ip, long Ns)> packets, string incidentId)
    {
        var request = RidMessage.TraceRequest(msgType, 64512, CsirtRequests.Iodef(packets, incidentId));
        Assert.Empty(RidSchemas.Errors(request));
        return request;
    }

    /// <summary>A RID document the gateway sent, read after checking it against the schemas.</summary>
    private static RidMessage Valid(string body)
    {
        var document = XDocument.Parse(body);
        Assert.Empty(RidSchemas.Errors(document));
        return RidMessage.From(document);
    }

    private static async Task<(HttpStatusCode, string)> PostAsync(HttpClient http, Uri url, XDocument message)
    {
        using var content = new StringContent(message.ToString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(RidClient.MediaType);
        return await PostAsync(http, url, content);
    }

    private static async Task<(HttpStatusCode, string)> PostAsync(HttpClient http, Uri url, HttpContent content)
    {
        using var response = await http.PostAsync(url, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>POSTs <paramref name="bytes"/> of body in chunks over mutual TLS while reading the answer; the status and body of the answer.</summary>
    private static async Task<(int, string)> PostHugeAsync(ServedEndpoints endpoints, long bytes)
    {
        using var credentials = TlsCredentials.Load(endpoints.ClientCertificate, endpoints.ClientKey, endpoints.Ca);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, endpoints.Rid!.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = new X509CertificateCollection { credentials.Certificate },
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                new PeerAuthenticator(credentials.FederationCa, _ => true, peerIsServer: true).Authenticate(certificate, out _) is not null,
        });
        var header = Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: " +
            $"{RidClient.MediaType}\r\nTransfer-Encoding: chunked\r\n\r\n");
        var chunk = Encoding.ASCII.GetBytes("10000\r\n" + new string('a', 0x10000) + "\r\n");
        var sending = Task.Run(async () =>
        {
            try
            {
                await tls.WriteAsync(header);
                for (long sent = 0; sent < bytes; sent += 0x10000)
                {
                    await tls.WriteAsync(chunk);
                }
            }
            catch (IOException)
            {
                // the gateway stopped reading and closed: expected
            }
        });
        using var reader = new StreamReader(tls, Encoding.UTF8);
        string status = (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)))!;
        int length = 0;
        for (string? line; !string.IsNullOrEmpty(line = await reader.ReadLineAsync());)
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        var body = new char[length];
        await reader.ReadBlockAsync(body);
        await sending.WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(_ => { }, TaskScheduler.Default);
        return (int.Parse(status.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), new string(body));
    }

    /// <summary>An HTTP client with the served emulation's Traceback Client certificate, trusting its CA only.</summary>
    private static HttpClient Client(ServedEndpoints endpoints)
    {
        var credentials = TlsCredentials.Load(endpoints.ClientCertificate, endpoints.ClientKey, endpoints.Ca);
        var ca = credentials.FederationCa;
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { credentials.Certificate },
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    new PeerAuthenticator(ca, _ => true, peerIsServer: true).Authenticate(certificate, out _) is not null,
            },
        }) { Timeout = TimeSpan.FromSeconds(90) };
    }

    /// <summary>A peer's RID endpoint that takes the posted-back result (served with a certificate of the emulation's CA).</summary>
    private async Task<CallbackReceiver> CallbackReceiverAsync(TaskCompletionSource<string> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificateSelector = (_, _) => _serverCertificate;
            https.AllowAnyClientCertificate(); // the test only receives; the gateway's certificate is not what is tested here
        })));
        var app = builder.Build();
        app.MapPost("/", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            received.TrySetResult(await reader.ReadToEndAsync());
            context.Response.StatusCode = 200;
        });
        await app.StartAsync();
        return new CallbackReceiver(app, new Uri(app.Urls.First()).Port);
    }

    private X509Certificate2? _serverCertificate;

    private sealed record CallbackReceiver(WebApplication App, int Port) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    /// <summary>The callback map, keyed by the victim AS once the emulation has chosen it.</summary>
    private sealed class LazyCallbacks(Func<uint> victim, Uri url) : IReadOnlyDictionary<uint, Uri>
    {
        public Uri this[uint key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException();
        public IEnumerable<uint> Keys => [victim()];
        public IEnumerable<Uri> Values => [url];
        public int Count => 1;
        public bool ContainsKey(uint key) => key == victim();
        public bool TryGetValue(uint key, out Uri value)
        {
            value = url;
            return key == victim();
        }
        public IEnumerator<KeyValuePair<uint, Uri>> GetEnumerator() => new List<KeyValuePair<uint, Uri>> { new(victim(), url) }.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public void Dispose()
    {
        _serverCertificate?.Dispose();
    }
}
