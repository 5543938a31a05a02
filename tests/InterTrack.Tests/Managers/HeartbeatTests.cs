using System.Net;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Transport;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Managers;

/// <summary>
/// The monitor's times come from a fake clock that only the test (and the peer it plays) moves,
/// so round trips, clock offsets and the deadline are exact whatever the machine's load.
/// </summary>
public sealed class HeartbeatTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly TestPki _pki = new();
    private readonly FakeTimeProvider _time = new();
    private readonly TlsCredentials _btmCredentials, _itmCredentials;
    private MessageListener? _btm;
    private NetworkBtmClient? _client;

    public HeartbeatTests()
    {
        _btmCredentials = _pki.Issue(65001, "btm");
        _itmCredentials = _pki.Issue(65001, "itm");
    }

    /// <summary>Our BTM, answering heartbeats with <paramref name="answer"/>, and a monitor watching it.</summary>
    private HeartbeatMonitor Watch(MessageHandler answer)
    {
        _btm = MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), _btmCredentials,
            PeerAuthenticator.Only([new NodeIdentity(65001, NodeRole.Itm)]), answer);
        _client = new NetworkBtmClient(new PeerEndpoint("127.0.0.1", _btm.LocalEndPoint.Port, new NodeIdentity(65001, NodeRole.Btm)), _itmCredentials);
        return new HeartbeatMonitor(_itmCredentials.Identity, new Dictionary<string, PeerChannel> { ["btm"] = _client.Channel }, Interval, time: _time);
    }

    private static ValueTask Reply(MessageConnection connection, InterTrackMessage request, DateTimeOffset stamp) =>
        connection.SendAsync(new HeartbeatReply(((HeartbeatRequest)request).Master, connection.LocalIdentity.ToNeighborNode(),
        TimeVal.FromDateTimeOffset(stamp))
        {
            Options = request.Options,
        });

    [Fact]
    public async Task An_answered_heartbeat_gives_the_round_trip_and_the_peers_clock_offset_then_a_closed_peer_is_down()
    {
        // The peer takes 400 ms of our clock to answer and stamps its reply halfway, with a clock 5 s ahead of ours.
        var offset = TimeSpan.FromSeconds(5);
        await using var monitor = Watch(async (connection, request, _) =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(200));
            var stamp = _time.GetUtcNow() + offset;
            _time.Advance(TimeSpan.FromMilliseconds(200));
            await Reply(connection, request, stamp);
        });
        var start = _time.GetUtcNow();

        await monitor.CheckAllAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        var up = monitor.Health["btm"];
        Assert.True(up.Up, up.Problem);
        Assert.Equal(TimeSpan.FromMilliseconds(400), up.RoundTrip);
        Assert.Equal(offset, up.ClockOffset);
        Assert.Equal(start + TimeSpan.FromMilliseconds(400), up.Checked);

        await _btm!.DisposeAsync();
        await monitor.CheckAllAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        var down = monitor.Health["btm"];
        Assert.False(down.Up);
        Assert.NotNull(down.Problem);
    }

    [Fact]
    public async Task A_peer_that_does_not_answer_is_down_when_the_interval_has_passed_and_not_before()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var monitor = Watch((_, _, _) =>
        {
            asked.TrySetResult(); // and never answers
            return ValueTask.CompletedTask;
        });
        var start = _time.GetUtcNow();

        var check = monitor.CheckAllAsync(CancellationToken.None);
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(60));
        _time.Advance(Interval - TimeSpan.FromTicks(1));
        Assert.False(check.IsCompleted, "the monitor gave up before the interval had passed");
        _time.Advance(TimeSpan.FromTicks(1));
        await check.WaitAsync(TimeSpan.FromSeconds(60));

        var down = monitor.Health["btm"];
        Assert.False(down.Up);
        Assert.Equal("no answer within 5 s", down.Problem);
        Assert.Equal(start + Interval, down.Checked);
    }

    [Fact]
    public async Task Once_started_the_monitor_sends_a_heartbeat_at_once_and_then_one_each_interval()
    {
        int answered = 0;
        await using var monitor = Watch(async (connection, request, _) =>
        {
            Interlocked.Increment(ref answered);
            await Reply(connection, request, _time.GetUtcNow());
        });

        monitor.Start();
        for (int beat = 1; beat <= 3; beat++)
        {
            var at = _time.GetUtcNow();
            await CheckedAtAsync(monitor, at);
            Assert.Equal(beat, Volatile.Read(ref answered));
            Assert.True(monitor.Health["btm"].Up, monitor.Health["btm"].Problem);
            _time.Advance(Interval);
        }
    }

    /// <summary>Waits (in real time, at most a minute) for the monitor's check at fake time <paramref name="at"/> to be recorded.</summary>
    private static async Task CheckedAtAsync(HeartbeatMonitor monitor, DateTimeOffset at)
    {
        var limit = DateTime.UtcNow.AddMinutes(1);
        while (!(monitor.Health.TryGetValue("btm", out var health) && health.Checked == at))
        {
            Assert.True(DateTime.UtcNow < limit, $"no heartbeat recorded at {at:O}");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
        if (_btm is not null)
        {
            await _btm.DisposeAsync();
        }
        _btmCredentials.Dispose();
        _itmCredentials.Dispose();
        _pki.Dispose();
    }
}
