using System.Diagnostics;
using System.Globalization;
using System.Net;
using InterTrack.Digest;
using InterTrack.Node.Client;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Tracing;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;

namespace InterTrack.Benchmarks;

/// <summary>
/// Time of a whole trace over a chain of ASes on loopback, everything over mutual TLS: client →
/// D Point → ITM → … → the source AS's ITM, each ITM asking its BTM (a server of its own) over
/// TLS. Connections are reused across traces, as between long-running daemons. Prints median and
/// 99th percentile per chain length.
/// </summary>
internal static class TraceLatency
{
    public static async Task RunAsync(int[] hops, int traces)
    {
        Console.WriteLine("hops  traces  median ms  p99 ms");
        foreach (int n in hops)
        {
            var times = await MeasureAsync(n, traces);
            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n,4}  {traces,6}  {times[times.Count / 2],9:F2}  {times[(int)Math.Ceiling(times.Count * 0.99) - 1],6:F2}"));
        }
    }

    private static async Task<List<double>> MeasureAsync(int hops, int traces)
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateAuthority.Create("bench", now.AddMinutes(-5), now.AddDays(1));
        TlsCredentials Credentials(uint asNumber, NodeRole role) => TlsCredentials.Issue(ca, new NodeIdentity(asNumber, role), TimeSpan.FromDays(1));

        // AS 1 is the victim, AS hops+1 the source; the chain is 1 ← 2 ← … ← hops+1.
        uint last = (uint)hops + 1;
        long t0 = TimeVal.ToNs(now);
        var packet = new byte[28];
        packet[0] = 0x45;
        packet[3] = 28;
        packet[9] = 17;
        packet[12] = 198; packet[13] = 18; packet[14] = 7; packet[15] = 9;
        packet[16] = 10;
        var invariant = new byte[PacketInvariant.MaxLength];
        var key = invariant.AsSpan(0, PacketInvariant.FromIp(packet, invariant)).ToArray();

        var resources = new List<IAsyncDisposable>();
        var itmPorts = new Dictionary<uint, int>();
        var itms = new Dictionary<uint, Itm>();
        var btmPorts = new Dictionary<uint, int>();
        for (uint a = 1; a <= last; a++)
        {
            var links = new List<BorderLink>();
            var tables = new List<DigestTable>();
            if (a < last)
            {
                links.Add(new BorderLink($"to{a + 1}:in", a + 1, BorderDirection.In));
                var inTable = new DigestTable($"to{a + 1}:in", new DigestOptions { PageCapacity = 1000 });
                inTable.Add(key, t0);
                tables.Add(inTable);
            }
            if (a > 1)
            {
                links.Add(new BorderLink($"to{a - 1}:out", a - 1, BorderDirection.Out));
                var outTable = new DigestTable($"to{a - 1}:out", new DigestOptions { PageCapacity = 1000 });
                outTable.Add(key, t0);
                tables.Add(outTable);
            }
            tables.ForEach(t => t.Flush());
            var pages = new PageSet(tables.SelectMany(t => t.Pages).ToList());
            uint asNumber = a;
            var btm = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), Credentials(a, NodeRole.Btm),
                PeerAuthenticator.Only([new NodeIdentity(a, NodeRole.Itm)]), ManagerServices.Btm(new BorderBtm(a, links, new DigestEvidence(pages),
                TimeSpan.FromSeconds(5))));
            resources.Add(btm);
            btmPorts[a] = btm.LocalEndPoint.Port;
            var allowed = new List<NodeIdentity> { new(a, NodeRole.DPoint) };
            if (a > 1) allowed.Add(new(a - 1, NodeRole.Itm));
            if (a < last) allowed.Add(new(a + 1, NodeRole.Itm));
            var itmListener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), Credentials(a, NodeRole.Itm),
                PeerAuthenticator.Only(allowed), (c, m, ct) => ManagerServices.Itm(itms[asNumber])(c, m, ct));
            resources.Add(itmListener);
            itmPorts[a] = itmListener.LocalEndPoint.Port;
        }
        for (uint a = 1; a <= last; a++)
        {
            var credentials = Credentials(a, NodeRole.Itm);
            var neighbors = new Dictionary<uint, PeerEndpoint>();
            if (a < last) neighbors[a + 1] = new PeerEndpoint("127.0.0.1", itmPorts[a + 1], new NodeIdentity(a + 1, NodeRole.Itm));
            var network = new NetworkItmNeighbors(neighbors, credentials);
            var btmClient = new NetworkBtmClient(new PeerEndpoint("127.0.0.1", btmPorts[a], new NodeIdentity(a, NodeRole.Btm)), credentials);
            resources.Add(network);
            resources.Add(btmClient);
            itms[a] = new Itm(new ItmSettings(a), btmClient, [], network);
        }
        var dpCredentials = Credentials(1, NodeRole.DPoint);
        var channel = new PeerChannel("AS1/itm", ct => MessageClient.ConnectTlsAsync("127.0.0.1", itmPorts[1], new NodeIdentity(1, NodeRole.Itm), dpCredentials,
            cancellationToken: ct));
        string database = Path.Combine(Path.GetTempPath(), $"intertrack-latency-{Guid.NewGuid():N}.db");
        using var store = new DPointStore(database);
        var dpoint = new DPoint(1, new DPointPolicy { RateLimit = 10_000 }, channel, store);
        var dpListener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), dpCredentials,
            PeerAuthenticator.Only([new NodeIdentity(1, NodeRole.Client)]), dpoint.Handler);
        resources.Add(dpListener);
        resources.Add(channel);
        using var clientCredentials = Credentials(1, NodeRole.Client);
        var client = await TracebackClient.ConnectAsync("127.0.0.1", dpListener.LocalEndPoint.Port, clientCredentials, CancellationToken.None);
        resources.Add(client);

        var times = new List<double>();
        for (int i = -5; i < traces; i++) // 5 warm-up traces (connections, JIT) not counted
        {
            var clock = Stopwatch.StartNew();
            var view = await TracebackClient.TraceAsync(client, clientCredentials.Identity.ToNodeId(), new NodeIdentity(1, NodeRole.DPoint).ToNodeId(),
                [(packet, t0)], _ => { }, TimeSpan.FromSeconds(30), CancellationToken.None);
            if (view.OriginAses.SequenceEqual([last]) is false)
            {
                throw new InvalidOperationException($"trace {i} found {string.Join(",", view.OriginAses)}");
            }
            if (i >= 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        foreach (var resource in Enumerable.Reverse(resources))
        {
            await resource.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(database) + "*"))
        {
            File.Delete(file);
        }
        return times;
    }
}
