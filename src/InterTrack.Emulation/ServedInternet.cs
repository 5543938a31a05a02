using System.Net;
using InterTrack.Emulation;
using InterTrack.Node.Kinds;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Packets.Capture;
using InterTrack.Protocol.Model;

namespace InterTrack.Emulation;

/// <summary>
/// The files a served emulation writes for an external client: the emulation CA, a Traceback Client certificate and key
/// of the victim's AS, and the packets the victim received.
/// </summary>
public sealed record ServedFiles(string Ca, string ClientCertificate, string ClientKey, string Pcap);

/// <summary>
/// An emulated, attacked Internet kept running for external clients: the ITMs of the ASes the
/// traffic crossed on mutual TLS, the victim AS's D Point, and the files a client needs to trace
/// the attack (<see cref="ServedFiles"/>). What is put in front of it (operator page, metrics, a
/// RID gateway) is the program's business, not the emulation's.
/// </summary>
public sealed class ServedInternet : IAsyncDisposable
{
    private readonly AttackedInternet _net;
    private readonly CertificateAuthority _ca;
    private readonly TlsNetwork _network;
    private readonly VictimDPoint _dpoint;

    private ServedInternet(AttackedInternet net, CertificateAuthority ca, TlsNetwork network, VictimDPoint dpoint, ServedFiles files) =>
        (_net, _ca, _network, _dpoint, Files) = (net, ca, network, dpoint, files);

    /// <param name="directory">Where the CA, the client certificate and key, the pcap and the D Point's database go.</param>
    /// <param name="progress">Told each step of the start-up (the TLS network of a large topology takes tens of seconds).</param>
    public static async Task<ServedInternet> StartAsync(Scenario scenario, KindRegistry kinds, string directory, Action<string> progress)
    {
        var net = await Emulator.AttackAsync(scenario, kinds, progress).ConfigureAwait(false);
        CertificateAuthority? ca = null;
        TlsNetwork? network = null;
        try
        {
            Directory.CreateDirectory(directory);
            ca = Emulator.EmulationCa();
            var files = WriteFiles(net, ca, directory);
            network = TlsNetwork.Start(net.Running, Emulator.InterTrackItms(net), ca, victimDPoint: net.Victim, progress);
            int notices = await Emulator.SendSpoofNoticesAsync(net, network, CancellationToken.None).ConfigureAwait(false);
            progress($"spoofing notices: {notices} sent to AS{net.Victim}'s ITM, {network.Itm(net.Victim).Notices.Count} kept");
            progress($"D Point of AS{net.Victim}: store {Path.Combine(directory, "dpoint.db")}");
            var dpoint = new VictimDPoint(net.Victim, ca, network.ItmPorts[net.Victim], Path.Combine(directory, "dpoint.db"));
            return new ServedInternet(net, ca, network, dpoint, files);
        }
        catch
        {
            if (network is not null)
            {
                await network.DisposeAsync().ConfigureAwait(false);
            }
            ca?.Dispose();
            net.Dispose();
            throw;
        }
    }

    /// <summary>The CA's certificate, a Traceback Client certificate of the victim's AS, and the victim's packets as a pcap.</summary>
    private static ServedFiles WriteFiles(AttackedInternet net, CertificateAuthority ca, string directory)
    {
        var now = DateTimeOffset.UtcNow;
        var files = new ServedFiles(Path.Combine(directory, "ca.crt"), Path.Combine(directory, $"as{net.Victim}-tc.crt"),
            Path.Combine(directory, $"as{net.Victim}-tc.key"), Path.Combine(directory, "victim.pcap"));
        PemFiles.WriteCertificate(files.Ca, ca.Certificate);
        using (var clientCertificate = ca.Issue(new NodeIdentity(net.Victim, NodeRole.Client), now.AddMinutes(-5), now.AddDays(7)))
        {
            File.Delete(files.ClientKey);
            PemFiles.WriteCertificate(files.ClientCertificate, clientCertificate);
            PemFiles.WritePrivateKey(files.ClientKey, clientCertificate);
        }
        using var pcap = PcapWriter.Create(files.Pcap, LinkType.Raw, nanoseconds: true);
        foreach (var (packet, ns) in net.Received.OrderBy(p => p.Ns))
        {
            pcap.Write(packet, ns);
        }
        return files;
    }

    public uint Victim => _net.Victim;

    public ServedFiles Files { get; }

    /// <summary>The victim's D Point: its mutual-TLS port for Traceback Clients, the manager and its store.</summary>
    public IPEndPoint DPointEndpoint => _dpoint.Endpoint;
    public DPoint DPoint => _dpoint.DPoint;
    public DPointStore Store => _dpoint.Store;

    /// <summary>The steps of the victim ITM's traces in flight.</summary>
    public TraceProgress Progress => _network.Itm(Victim).Progress;

    /// <summary>Also opens the D Point's plain-TCP port for legacy Traceback Clients on 127.0.0.1 (0: any port).</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The port cannot be bound.</exception>
    public IPEndPoint ListenLegacy(int port) => _dpoint.ListenLegacy(port);

    /// <summary>
    /// A certificate of the victim's AS in <paramref name="role"/> from the emulation CA, for what a program puts in
    /// front of the D Point; the caller owns it.
    /// </summary>
    public TlsCredentials Issue(NodeRole role) => TlsCredentials.Issue(_ca, new NodeIdentity(Victim, role), TimeSpan.FromDays(7));

    public async ValueTask DisposeAsync()
    {
        await _dpoint.DisposeAsync().ConfigureAwait(false);
        await _network.DisposeAsync().ConfigureAwait(false);
        _ca.Dispose();
        _net.Dispose();
    }
}
