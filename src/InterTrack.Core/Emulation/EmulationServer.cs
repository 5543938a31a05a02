using System.Net;
using InterTrack.Capture;
using InterTrack.Managers;
using InterTrack.Pki;
using InterTrack.Protocol.Model;
using InterTrack.Transport;

namespace InterTrack.Emulation;

/// <summary>What <c>intertrack emulate --serve</c> tells an external client, one "key: value" line each.</summary>
public sealed record ServedEndpoints(IPEndPoint DPoint, IPEndPoint? LegacyDPoint, string Ca, string ClientCertificate, string ClientKey, string Pcap, uint VictimAs);

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
    public static async Task ServeAsync(Scenario scenario, string directory, int? legacyPort, Action<string> progress, Action<ServedEndpoints> ready,
        CancellationToken cancellationToken)
    {
        var (graph, victim, _, ases, received) = Emulator.AttackForServing(scenario, progress);
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateAuthority.Create("InterTrack emulation", now.AddMinutes(-5), now.AddDays(7));
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

        await using var network = TlsNetwork.Start(graph, [.. ases.Keys.Append(victim).Distinct()], Emulator.InterTrackItms(ases), ca, victimDPoint: victim);
        using var dpCredentials = new TlsCredentials(ca.Issue(new NodeIdentity(victim, NodeRole.DPoint), now.AddMinutes(-5), now.AddDays(7)),
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(ca.Certificate.RawData));
        var itm = new NodeIdentity(victim, NodeRole.Itm);
        await using var channel = new PeerChannel(itm.ToString(),
            ct => MessageClient.ConnectTlsAsync("127.0.0.1", network.ItmPorts[victim], itm, dpCredentials, cancellationToken: ct));
        string database = Path.Combine(directory, "dpoint.db");
        using var store = new DPointStore(database);
        var dpoint = new DPoint(victim, new DPointPolicy { MaxEvidenceAge = TimeSpan.FromDays(7), MaxFootmarks = 100_000 }, channel, store);
        var options = new TransportOptions { Limits = new Protocol.ProtocolLimits { MaxMessageBytes = 64 << 20, MaxFootmarks = 100_000 } };
        await using var listener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), dpCredentials, PeerAuthenticator.Only([client]),
            dpoint.Handler, options);
        await using var legacy = legacyPort is { } port
            ? MessageListener.StartPlain(port, new NodeIdentity(victim, NodeRole.DPoint), dpoint.Handler, IPAddress.Loopback, options)
            : null;
        ready(new ServedEndpoints(listener.LocalEndPoint, legacy?.LocalEndPoint, caPath, certPath, keyPath, pcapPath, victim));
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // interrupted: shut down
        }
        foreach (var e in ases.Values)
        {
            e.Digests.Dispose();
        }
    }
}
