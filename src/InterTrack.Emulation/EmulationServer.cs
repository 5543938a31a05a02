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
        using var net = await Emulator.AttackAsync(scenario, progress).ConfigureAwait(false);
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
        ready(new ServedEndpoints(dpoint.Endpoint, dpoint.LegacyEndpoint, caPath, certPath, keyPath, pcapPath, victim));
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // interrupted: shut down
        }
    }
}
