using System.Net;
using InterTrack.Emulation;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;

namespace InterTrack.Emulation;

/// <summary>The victim AS's D Point in a TLS emulation: talks to the victim's ITM, takes its Traceback Clients, keeps its store in a file.</summary>
internal sealed class VictimDPoint : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _resources = [];
    private readonly DPointStore _store;
    private readonly TlsCredentials _credentials;
    private readonly string _database;
    private readonly TransportOptions _options = new() { Limits = new Protocol.ProtocolLimits { MaxMessageBytes = 64 << 20, MaxFootmarks = 100_000,
        MaxAses = 1_000_000 } };

    public VictimDPoint(uint victim, CertificateAuthority ca, int itmPort, string database)
    {
        _database = database;
        _credentials = TlsCredentials.Issue(ca, new NodeIdentity(victim, NodeRole.DPoint), TimeSpan.FromDays(7));
        var itm = new NodeIdentity(victim, NodeRole.Itm);
        var channel = new PeerChannel(itm.ToString(), ct => MessageClient.ConnectTlsAsync("127.0.0.1", itmPort, itm, _credentials, cancellationToken: ct));
        _resources.Add(channel);
        _store = new DPointStore(database);
        DPoint = new DPoint(victim, new DPointPolicy { MaxEvidenceAge = TimeSpan.FromDays(7), MaxFootmarks = 100_000, TraceTimeout = TimeSpan.FromMinutes(10) },
            channel, _store);
        var listener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), _credentials,
            PeerAuthenticator.Only([new NodeIdentity(victim, NodeRole.Client)]), DPoint.Handler, _options);
        _resources.Add(listener);
        Endpoint = listener.LocalEndPoint;
    }

    /// <summary>Also takes legacy Traceback Clients on plain TCP, 127.0.0.1:<paramref name="port"/> (0: any port).</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The port cannot be bound.</exception>
    public IPEndPoint ListenLegacy(int port)
    {
        var legacy = MessageListener.StartPlain(port, _credentials.Identity, DPoint.Handler, IPAddress.Loopback, _options);
        _resources.Add(legacy);
        return legacy.LocalEndPoint;
    }

    public IPEndPoint Endpoint { get; }

    public DPoint DPoint { get; }

    public DPointStore Store => _store;

    public async ValueTask DisposeAsync()
    {
        await DPoint.StopTracesAsync().ConfigureAwait(false); // a trace in flight fails now rather than holding its connection open
        foreach (var resource in Enumerable.Reverse(_resources))
        {
            await resource.DisposeAsync().ConfigureAwait(false);
        }
        _store.Dispose();
        _credentials.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_database)!, Path.GetFileName(_database) + "*"))
        {
            if (file.EndsWith("-wal", StringComparison.Ordinal) || file.EndsWith("-shm", StringComparison.Ordinal))
            {
                File.Delete(file); // the store is closed: only the main file stays
            }
        }
    }
}
