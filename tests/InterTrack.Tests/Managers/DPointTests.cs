using System.Net;
using System.Security.Authentication;
using InterTrack.Node.Client;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Tracing;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Transport;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Managers;

/// <summary>A Traceback Client, the D Point and the ITMs of three ASes, all over mutual TLS on loopback.</summary>
public sealed class DPointTests : IAsyncLifetime, IDisposable
{
    private static readonly NodeIdentity Dp = new(1, NodeRole.DPoint);
    private readonly TestPki _pki;
    private readonly AsWorld _world;
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"intertrack-dp-{Guid.NewGuid():N}.db");
    private List<byte[]> _packets = null!;
    private TlsCredentials _dpCredentials = null!;
    private TlsCredentials _client = null!;
    private (MessageListener Listener, PeerChannel Itm, DPointStore Store) _dp;

    public DPointTests()
    {
        _pki = new TestPki();
        // The attack was 30 s ago: far outside the ±2 s a packet's time is searched with. The ITMs' clock moves only where a
        // test moves it: on a loaded machine a real 2 s component deadline passed and an AS answered "no answer within 2.0 s".
        _world = new AsWorld(_pki)
        {
            TraceTimeout = TimeSpan.FromSeconds(15), AttackAgo = TimeSpan.FromSeconds(30), Time = new FakeTimeProvider(DateTimeOffset.UtcNow),
        };
    }

    public Task InitializeAsync()
    {
        _world.Connect(3, 2);
        _world.Connect(2, 1);
        _packets = _world.Attack(5, 3, 2, 1);
        _world.Start();
        _dpCredentials = _pki.Issue(1, "dp");
        _client = _pki.Issue(1, "tc");
        _dp = StartDPoint();
        return Task.CompletedTask;
    }

    private (MessageListener, PeerChannel, DPointStore) StartDPoint()
    {
        var itm = new PeerChannel("AS1/itm", ct => MessageClient.ConnectTlsAsync("127.0.0.1", _world.ItmPorts[1], new NodeIdentity(1, NodeRole.Itm),
            _dpCredentials, cancellationToken: ct));
        var store = new DPointStore(_database);
        var dpoint = new DPoint(1, new DPointPolicy(), itm, store);
        var listener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), _dpCredentials,
            PeerAuthenticator.Only([new NodeIdentity(1, NodeRole.Client)]), dpoint.Handler);
        return (listener, itm, store);
    }

    private async Task StopDPointAsync()
    {
        await _dp.Listener.DisposeAsync();
        await _dp.Itm.DisposeAsync();
        _dp.Store.Dispose();
    }

    private ClientTraceRequest Request() => new(new NeighborNode(Dp.ToNodeId()), new NeighborNode(_client.Identity.ToNodeId()), new TimeVal(7, 0), 16)
    {
        PacketDumps = [.. _packets.Select(p => EvidencePackets.ToFootmark(p, _world.AttackTimeNs).Dump)],
        Options = [.. _packets.Select(_ => new MessageOption(ClientOptions.Captured, TimeVal.FromUnixNs(_world.AttackTimeNs).ToString()))],
    };

    private static async Task<InterTrackMessage?> NextAsync(MessageConnection connection)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await connection.ReceiveAsync(timeout.Token);
    }

    [Fact]
    public async Task Beyond_the_running_and_queued_traces_a_request_is_refused_as_busy()
    {
        // An ITM that takes requests and never answers: every trace stays in flight.
        using var itmCredentials = _pki.Issue(1, "itm");
        await using var silentItm = EchoServer.Start(itmCredentials, [Dp]);
        await using var itm = new PeerChannel("AS1/itm", ct => MessageClient.ConnectTlsAsync("127.0.0.1", silentItm.LocalEndPoint.Port,
            new NodeIdentity(1, NodeRole.Itm), _dpCredentials, cancellationToken: ct));
        string database = Path.Combine(Path.GetTempPath(), $"intertrack-dp-busy-{Guid.NewGuid():N}.db");
        using (var store = new DPointStore(database))
        {
            var dpoint = new DPoint(1, new DPointPolicy { MaxConcurrentTraces = 1, MaxQueuedTraces = 1, MessageIdTimeout = TimeSpan.FromMinutes(5) }, itm,
                store);
            await using var listener = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), _dpCredentials,
                PeerAuthenticator.Only([new NodeIdentity(1, NodeRole.Client)]), dpoint.Handler);
            await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", listener.LocalEndPoint.Port, Dp, _client);
            for (uint i = 0; i < 3; i++)
            {
                await client.SendAsync(Request() with { TemporarySequenceNumber = new TimeVal(100 + i, 0) });
            }
            var refusal = Assert.IsType<HeartbeatError>(await NextAsync(client)); // the third: one runs, one waits
            Assert.Equal(ErrorType.BusyItm, refusal.Error.Type);
            Assert.Contains("too many traces in flight", refusal.Error.Message, StringComparison.Ordinal);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(database);
    }

    [Fact]
    public async Task A_client_gets_the_message_id_at_once_and_the_traced_result_later_and_again_after_a_restart()
    {
        MessageId id;
        await using (var client = await MessageClient.ConnectTlsAsync("127.0.0.1", _dp.Listener.LocalEndPoint.Port, Dp, _client))
        {
            await client.SendAsync(Request());
            var idReply = Assert.IsType<ClientMessageIdReply>(await NextAsync(client));
            Assert.Equal(new TimeVal(7, 0), idReply.TemporarySequenceNumber);
            id = idReply.MessageId;
            Assert.Equal(NeighborNode.ForItm(1), id.Origin);

            var result = Assert.IsType<ClientTraceReply>(await NextAsync(client));
            Assert.Equal(id, result.MessageId);
            var export = Assert.IsType<AllResultExport>(result.Export);
            var source = Assert.Single(export.Reply.Result.Ases, e => e.Status == AsStatus.Source);
            Assert.Equal(NodeId.ForItm(3), source.NodeId);
        }

        await StopDPointAsync();
        _dp = StartDPoint(); // a new process on the same database

        await using var again = await MessageClient.ConnectTlsAsync("127.0.0.1", _dp.Listener.LocalEndPoint.Port, Dp, _client);
        await again.SendAsync(Request() with { Options = [new MessageOption(ClientOptions.ResultOf, id.ToString())] });
        var stored = Assert.IsType<ClientTraceReply>(await NextAsync(again));
        Assert.Equal(id, stored.MessageId);
        Assert.Equal(NodeId.ForItm(3), Assert.Single(((AllResultExport)stored.Export).Reply.Result.Ases, e => e.Status == AsStatus.Source).NodeId);
    }

    [Fact]
    public async Task A_legacy_client_gets_its_own_results_again_but_not_another_clients()
    {
        var itm = new PeerChannel("AS1/itm", ct => MessageClient.ConnectTlsAsync("127.0.0.1", _world.ItmPorts[1], new NodeIdentity(1, NodeRole.Itm),
            _dpCredentials, cancellationToken: ct));
        await using var _ = itm;
        var dpoint = new DPoint(1, new DPointPolicy(), itm, _dp.Store);
        await using var legacy = MessageListener.StartPlain(0, Dp, dpoint.Handler);
        var legacyClient = new NodeIdentity(1, NodeRole.Client);

        // A TLS client's trace: the id is guessable, but not the legacy port's to fetch.
        MessageId theirs;
        await using (var client = await MessageClient.ConnectTlsAsync("127.0.0.1", _dp.Listener.LocalEndPoint.Port, Dp, _client))
        {
            await client.SendAsync(Request());
            theirs = Assert.IsType<ClientMessageIdReply>(await NextAsync(client)).MessageId;
            Assert.IsType<ClientTraceReply>(await NextAsync(client));
        }
        await using (var stranger = await MessageClient.ConnectPlainAsync("127.0.0.1", legacy.LocalEndPoint.Port, legacyClient))
        {
            await stranger.SendAsync(Request() with { Options = [new MessageOption(ClientOptions.ResultOf, theirs.ToString())] });
            var refusal = Assert.IsType<HeartbeatError>(await NextAsync(stranger));
            Assert.Equal((ErrorType.RefusedAuth, "no such trace of yours"), (refusal.Error.Type, refusal.Error.Message));
        }

        // Its own trace, asked again from a new connection: the same address gets it.
        MessageId mine;
        await using (var own = await MessageClient.ConnectPlainAsync("127.0.0.1", legacy.LocalEndPoint.Port, legacyClient))
        {
            await own.SendAsync(Request() with { TemporarySequenceNumber = new TimeVal(8, 0) });
            mine = Assert.IsType<ClientMessageIdReply>(await NextAsync(own)).MessageId;
            Assert.IsType<ClientTraceReply>(await NextAsync(own));
        }
        await using var again = await MessageClient.ConnectPlainAsync("127.0.0.1", legacy.LocalEndPoint.Port, legacyClient);
        await again.SendAsync(Request() with { Options = [new MessageOption(ClientOptions.ResultOf, mine.ToString())] });
        Assert.Equal(mine, Assert.IsType<ClientTraceReply>(await NextAsync(again)).MessageId);
    }

    [Fact]
    public async Task A_client_without_an_authorised_certificate_is_refused()
    {
        using var stranger = _pki.Issue(9, "tc");
        try
        {
            await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", _dp.Listener.LocalEndPoint.Port, Dp, stranger);
            await client.SendAsync(Request());
            var refused = Assert.IsType<HeartbeatError>(await NextAsync(client)); // told why, not traced
            Assert.Equal("refused: AS9/tc is not a configured peer", refused.Error.Message);
            Assert.Null(await NextAsync(client));
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            // refused during the handshake
        }
    }

    [Fact]
    public async Task Packets_without_a_capture_time_are_searched_in_all_the_evidence_kept_and_the_reply_says_so()
    {
        // As the historic client asks: no per-packet time, some time after the attack.
        await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", _dp.Listener.LocalEndPoint.Port, Dp, _client);
        await client.SendAsync(Request() with { Options = [] });
        Assert.IsType<ClientMessageIdReply>(await NextAsync(client));
        var reply = Assert.IsType<ClientTraceReply>(await NextAsync(client));
        var origins = TraceResultView.From(reply.MessageId, reply.Export).OriginAses;
        Assert.Equal([3u], origins);
        var note = Assert.Single(reply.Options, o => o.Type == ClientOptions.PacketTime);
        Assert.Equal($"unknown for {_packets.Count} of {_packets.Count} packets: all the evidence kept was searched", note.Value);
    }

    [Fact]
    public async Task Evidence_older_than_the_digest_history_is_refused_with_a_reason()
    {
        await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", _dp.Listener.LocalEndPoint.Port, Dp, _client);
        await client.SendAsync(Request() with { Options = [new MessageOption(ClientOptions.Captured, "1000000000.0")] });
        var refusal = Assert.IsType<HeartbeatError>(await NextAsync(client));
        Assert.Equal((ErrorType.RefusedLimit, "evidence older than the kept digest history"), (refusal.Error.Type, refusal.Error.Message));
    }

    [Fact]
    public void Finished_traces_are_kept_for_their_time_and_then_deleted()
    {
        string path = Path.Combine(Path.GetTempPath(), $"intertrack-dp-{Guid.NewGuid():N}.db");
        try
        {
            var done = new MessageId(NeighborNode.ForItm(1), new TimeVal(5, 5));
            var running = new MessageId(NeighborNode.ForItm(1), new TimeVal(6, 6));
            using (var store = new DPointStore(path))
            {
                long sequence = store.Add("client");
                store.SetMessageId(sequence, done);
                store.Fail(sequence, "no answer");
                store.SetMessageId(store.Add("client"), running);
                Assert.Equal(0, store.Prune()); // a week is kept by default
            }
            using (var reopened = new DPointStore(path, keep: TimeSpan.Zero)) // opening prunes; the pending one failed on restart, so it goes too
            {
                Assert.Null(reopened.Find(done));
                Assert.Null(reopened.Find(running));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public void A_trace_in_flight_when_the_d_point_stops_is_reported_failed_after_the_restart()
    {
        string path = Path.Combine(Path.GetTempPath(), $"intertrack-dp-{Guid.NewGuid():N}.db");
        try
        {
            var id = new MessageId(NeighborNode.ForItm(1), new TimeVal(5, 5));
            using (var store = new DPointStore(path))
            {
                store.SetMessageId(store.Add("client"), id);
            }
            using (var reopened = new DPointStore(path))
            {
                var record = reopened.Find(id)!;
                Assert.Equal(TraceRecordState.Failed, record.State);
                Assert.Contains("restarted", record.Failure, StringComparison.Ordinal);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    public Task DisposeAsync() => StopDPointAsync();

    public void Dispose()
    {
        _world.Dispose();
        _dpCredentials.Dispose();
        _client.Dispose();
        _pki.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_database) + "*"))
        {
            File.Delete(file);
        }
    }
}
