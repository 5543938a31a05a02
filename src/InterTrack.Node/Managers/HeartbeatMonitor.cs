using System.Collections.Concurrent;
using InterTrack.Node.Pki;
using InterTrack.Node.Telemetry;
using InterTrack.Node.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Node.Managers;

/// <summary>What the last heartbeat said of a peer.</summary>
public sealed record PeerHealth(bool Up, TimeSpan RoundTrip, TimeSpan ClockOffset, DateTimeOffset Checked, string? Problem);

/// <summary>
/// Sends heartbeats to an ITM's neighbours and components at an interval, keeps their last
/// state (up, round trip, clock offset) and logs when a peer goes down or comes back. A peer
/// that has not answered within the interval is down. Every time (the interval, the deadline,
/// round trips) is read from <paramref name="time"/>.
/// </summary>
public sealed class HeartbeatMonitor(NodeIdentity self, IReadOnlyDictionary<string, PeerChannel> peers, TimeSpan interval, ILogger? logger = null,
    TimeProvider? time = null) : IAsyncDisposable
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, PeerHealth> _health = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private System.Diagnostics.Metrics.Meter? _meter;

    public IReadOnlyDictionary<string, PeerHealth> Health => _health;

    /// <summary>Every peer watched, also those whose first heartbeat has not come back yet.</summary>
    public IEnumerable<string> Peers => peers.Keys;

    public void Start()
    {
        _meter = new System.Diagnostics.Metrics.Meter(Telemetry.NodeMetrics.MeterName);
        _meter.CreateObservableGauge("intertrack.peer.up", () => _health.Select(h => Measure(h.Key, h.Value.Up ? 1 : 0)),
            null, "1 when the last heartbeat to the peer (a neighbour ITM, our BTM) was answered, else 0.");
        _meter.CreateObservableGauge("intertrack.peer.round_trip", () => _health.Where(h => h.Value.Up).Select(h => Measure(h.Key,
            h.Value.RoundTrip.TotalSeconds)),
            "s", "Round trip of the last answered heartbeat.");
        _loop = Loop();
    }

    private System.Diagnostics.Metrics.Measurement<T> Measure<T>(string peer, T value) where T : struct =>
        new(value, new KeyValuePair<string, object?>("as", self.AsNumber), new KeyValuePair<string, object?>("peer", peer));

    private Task Loop() => Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(interval, _time);
        do
        {
            await CheckAllAsync(_stop.Token).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
    });

    public async Task CheckAllAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(peers.Select(p => CheckAsync(p.Key, p.Value, cancellationToken))).ConfigureAwait(false);

    private async Task CheckAsync(string name, PeerChannel channel, CancellationToken cancellationToken)
    {
        PeerHealth health;
        try
        {
            using var deadline = new CancellationTokenSource(interval, _time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var (roundTrip, offset) = await channel.PingAsync(self, _time, either.Token).ConfigureAwait(false);
            health = new PeerHealth(true, roundTrip, offset, _time.GetUtcNow(), null);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            string problem = e is OperationCanceledException ? FormattableString.Invariant($"no answer within {interval.TotalSeconds} s") : e.Message;
            health = new PeerHealth(false, TimeSpan.Zero, TimeSpan.Zero, _time.GetUtcNow(), problem);
        }
        var before = _health.GetValueOrDefault(name);
        _health[name] = health;
        if (before?.Up != health.Up)
        {
            HeartbeatLog.Changed(_logger, name, health.Up ? "up" : "down", health.Problem ?? $"round trip {health.RoundTrip.TotalMilliseconds:F1} ms");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        _stop.Dispose();
        _meter?.Dispose();
    }
}

internal static partial class HeartbeatLog
{
    [LoggerMessage(LogEvents.PeerStateChanged, LogLevel.Information, "Peer {Peer} is {State}: {Detail}")]
    public static partial void Changed(ILogger logger, string peer, string state, string detail);
}
