using System.Net;
using InterTrack.Capture;
using InterTrack.Managers;
using InterTrack.Pki;
using InterTrack.Protocol.Model;
using InterTrack.Transport;

namespace InterTrack.Emulation;

/// <summary>What <c>intertrack emulate --serve</c> tells an external client, one "key: value" line each.</summary>
public sealed record ServedEndpoints(IPEndPoint DPoint, IPEndPoint? LegacyDPoint, string Ca, string ClientCertificate, string ClientKey, string Pcap, uint VictimAs)
{
    /// <summary>The RID gateway in front of the D Point, when one was asked for.</summary>
    public Uri? Rid { get; init; }

    /// <summary>The D Point's operator page and the Prometheus scrape endpoint.</summary>
    public required Uri Web { get; init; }
    public required Uri Metrics { get; init; }
}

/// <summary>A RID gateway for a served emulation: its port on 127.0.0.1 (0: any), its patience, and where results go after a 202.</summary>
public sealed record ServedRid(int Port, TimeSpan Patience, IReadOnlyDictionary<uint, Uri> Callbacks);

/// <summary>
/// Keeps an emulated, attacked Internet running for external clients: the ITMs of the ASes the
/// traffic crossed on mutual TLS, the victim AS's D Point, the packets the victim received as a
/// pcap, and a Traceback Client certificate of the victim's AS — so <c>intertrack trace</c> (or
/// any InterTrack client) can trace the attack.
/// </summary>
public static class EmulationServer
{
    /// <param name="directory">Where the CA, the client certificate and key, the pcap and the D Point's database go.</param>
    /// <param name="ready">Called once everything listens.</param>
    /// <param name="rid">Also serve a RID gateway in front of the D Point (RFC 6545/6546); peers use the written client certificate.</param>
    /// <param name="loggers">Where the RID gateway logs the requests it receives and answers.</param>
    /// <param name="webPort">The operator page's port on 127.0.0.1 (0: any).</param>
    /// <param name="metricsPort">The Prometheus endpoint's port on 127.0.0.1 (0: any).</param>
    public static async Task ServeAsync(Scenario scenario, Kinds.KindRegistry kinds, string directory, int? legacyPort, Action<string> progress, Action<ServedEndpoints> ready,
        CancellationToken cancellationToken, ServedRid? rid = null, Microsoft.Extensions.Logging.ILoggerFactory? loggers = null, int webPort = 0, int metricsPort = 0)
    {
        loggers ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        using var net = await Emulator.AttackAsync(scenario, kinds, progress).ConfigureAwait(false);
        var (graph, victim, ases, received) = (net.Graph, net.Victim, net.Ases, net.Received);
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        using var ca = Emulator.EmulationCa();
        string caPath = Path.Combine(directory, "ca.crt");
        PemFiles.WriteCertificate(caPath, ca.Certificate);
        var client = new NodeIdentity(victim, NodeRole.Client);
        string certPath = Path.Combine(directory, $"as{victim}-tc.crt"), keyPath = Path.Combine(directory, $"as{victim}-tc.key");
        using (var clientCertificate = ca.Issue(client, now.AddMinutes(-5), now.AddDays(7)))
        {
            File.Delete(keyPath);
            PemFiles.WriteCertificate(certPath, clientCertificate);
            PemFiles.WritePrivateKey(keyPath, clientCertificate);
        }
        string pcapPath = Path.Combine(directory, "victim.pcap");
        using (var pcap = PcapWriter.Create(pcapPath, LinkType.Raw, nanoseconds: true))
        {
            foreach (var (packet, ns) in received.OrderBy(p => p.Ns))
            {
                pcap.Write(packet, ns);
            }
        }

        await using var network = TlsNetwork.Start(net.Running, Emulator.InterTrackItms(net), ca, victimDPoint: victim);
        await using var dpoint = new VictimDPoint(victim, ca, network.ItmPorts[victim], Path.Combine(directory, "dpoint.db"), legacyPort);
        await using var gateway = rid is null ? null : new Rid.RidGateway(
            new Rid.RidGatewayOptions(new IPEndPoint(IPAddress.Loopback, rid.Port), ("127.0.0.1", dpoint.Endpoint.Port), rid.Patience, TimeSpan.FromMinutes(2), rid.Callbacks),
            Transport.TlsCredentials.Issue(ca, new NodeIdentity(victim, NodeRole.DPoint), TimeSpan.FromDays(7)),
            Transport.TlsCredentials.Issue(ca, client, TimeSpan.FromDays(7)), loggers);
        if (gateway is not null)
        {
            await gateway.StartAsync().ConfigureAwait(false);
        }
        await using var telemetry = await Named("metrics (--metrics-port)", OperatorView.Telemetry.TelemetryEndpoint.StartAsync(
            new IPEndPoint(IPAddress.Loopback, metricsPort), null, false, $"intertrack-emulation-as{victim}")).ConfigureAwait(false);
        using var webClient = Transport.TlsCredentials.Issue(ca, client, TimeSpan.FromDays(7));
        await using var web = await Named("web (--web-port)", OperatorView.Web.OperatorSite.StartAsync(
            new OperatorView.Web.OperatorSources(victim, dpoint.Store, dpoint.DPoint, null, network.Itm(victim).Progress, dpoint.Endpoint, webClient),
            new IPEndPoint(IPAddress.Loopback, webPort), null, _ => false, loggers)).ConfigureAwait(false);
        ready(new ServedEndpoints(dpoint.Endpoint, dpoint.LegacyEndpoint, caPath, certPath, keyPath, pcapPath, victim)
        {
            Rid = gateway is null ? null : new Uri($"https://127.0.0.1:{gateway.LocalEndPoint.Port}/"),
            Web = web.Url,
            Metrics = telemetry.MetricsUrl!,
        });
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // interrupted: shut down
        }
    }

    /// <summary>An endpoint that cannot listen names the option that chose its port.</summary>
    private static async Task<T> Named<T>(string what, Task<T> starting)
    {
        try
        {
            return await starting.ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new IOException($"{what}: {e.Message}", e);
        }
    }
}
