using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using InterTrack.Flow.Export;
using InterTrack.Flow.Store;
using InterTrack.Node.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;

namespace InterTrack.Flow;

/// <summary>What the collector took from one exporter, and what it knows it lost of it.</summary>
public sealed class ExporterCounters
{
    internal long _messages, _records, _lostRecords, _lostPackets, _resets, _failed;
    internal readonly ConcurrentDictionary<ExportProblem, long> _problems = new();

    public long Messages => Interlocked.Read(ref _messages);
    public long Records => Interlocked.Read(ref _records);
    public IReadOnlyDictionary<ExportProblem, long> Problems => _problems;
    /// <summary>IPFIX data records missing from the sequence numbers (all its processes and domains).</summary>
    public long LostRecords => Interlocked.Read(ref _lostRecords);
    /// <summary>NetFlow v9 export packets missing from the sequence numbers.</summary>
    public long LostPackets => Interlocked.Read(ref _lostPackets);
    /// <summary>Times a sequence went far back: the exporting process restarted.</summary>
    public long SequenceResets => Interlocked.Read(ref _resets);
    /// <summary>Messages whose decoding or storing threw (the store failed): their records are lost.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>"N records and M export packets" missing from the sequence numbers; null when none.</summary>
    public string? DescribeLost() => LossLog.Describe(LostRecords, LostPackets);
}

/// <summary>
/// The flow collector: takes IPFIX and NetFlow v9 export messages (UDP, IPFIX over TCP, or handed
/// in from a capture or an emulated router), decodes them and appends the records to a
/// <see cref="FlowStore"/>. Bad messages are counted per exporter and reason and logged once
/// per exporter and reason; they never stop it, nor does a store that fails. What it lost is
/// counted and logged every <see cref="LossLog.Interval"/>: records or export packets missing from
/// each exporter's sequence numbers (<see cref="SequenceTracker"/>) and datagrams the kernel
/// dropped at its UDP sockets (<see cref="UdpDrops"/>).
/// </summary>
public sealed class FlowCollector : IAsyncDisposable
{
    private readonly Action<IReadOnlyList<FlowRecord>> _append;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ExportParser _parser;
    private readonly List<FlowRecord> _batch = [];
    private readonly object _lock = new(), _inline = new();
    private readonly ConcurrentDictionary<IPAddress, ExporterCounters> _exporters = new();
    private readonly ConcurrentDictionary<(IPAddress, ExportProblem), bool> _logged = new();
    private readonly ConcurrentDictionary<Type, bool> _failuresLogged = new();
    private readonly SequenceTracker _sequences;
    private readonly LossLog _lossLog;
    private readonly ConcurrentDictionary<IPEndPoint, UdpDrops> _drops = new();
    private readonly ITimer _lossReport;
    private int _tcpSessions;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly List<Socket> _sockets = [];
    private CollectorStages? _stages;
    private readonly ITimer _expiry;
    private readonly System.Diagnostics.Metrics.Meter _meter = new(Node.Telemetry.NodeMetrics.MeterName);

    public FlowCollector(FlowStore store, ExportParser? parser = null, ILogger? logger = null, TimeProvider? time = null)
        : this(store.Append, parser, logger, time)
    {
    }

    /// <param name="append">Stores decoded records (a store's <see cref="FlowStore.Append"/>; a test's own).</param>
    internal FlowCollector(Action<IReadOnlyList<FlowRecord>> append, ExportParser? parser = null, ILogger? logger = null, TimeProvider? time = null)
    {
        _append = append;
        _parser = parser ?? new ExportParser();
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _sequences = new SequenceTracker(Lost, stream => Interlocked.Increment(ref Counters(stream.Exporter)._resets));
        _lossLog = new LossLog(_logger);
        _expiry = _time.CreateTimer(_ => Expire(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        _lossReport = _time.CreateTimer(_ => _lossLog.Report(_exporters, KernelDrops), null, LossLog.Interval, LossLog.Interval);
        _meter.CreateObservableCounter("intertrack.flow.records", () => _exporters.Select(e => Measure(e.Key, e.Value.Records)),
            "{record}", "Flow records stored, per exporter.");
        _meter.CreateObservableCounter("intertrack.flow.messages", () => _exporters.Select(e => Measure(e.Key, e.Value.Messages)),
            "{message}", "Export messages received, per exporter.");
        _meter.CreateObservableCounter("intertrack.flow.dropped", () => _exporters.SelectMany(e => e.Value.Problems.Select(p =>
            new System.Diagnostics.Metrics.Measurement<long>(p.Value, new KeyValuePair<string, object?>("exporter", e.Key.ToString()),
                new KeyValuePair<string, object?>("problem", p.Key.ToString())))),
            "{set}", "Export messages or data sets dropped, per exporter and problem (TemplateMissing: sets whose template never came).");
        _meter.CreateObservableCounter("intertrack.flow.lost", MeasureLoss,
            null, "What was lost on the way: sequence-gap (per exporter: IPFIX records, v9 export packets as datagrams) " +
            "and kernel-drop (per UDP socket: datagrams the kernel dropped, its receive buffer full).");
        _meter.CreateObservableCounter("intertrack.flow.failed", () => _exporters.Select(e => Measure(e.Key, e.Value.Failed)),
            "{message}", "Export messages whose decoding or storing threw, per exporter; their records are lost.");
    }

    private IEnumerable<System.Diagnostics.Metrics.Measurement<long>> MeasureLoss()
    {
        foreach (var (exporter, counters) in _exporters)
        {
            yield return Loss(counters.LostRecords, "sequence-gap", "record", new("exporter", exporter.ToString()));
            yield return Loss(counters.LostPackets, "sequence-gap", "datagram", new("exporter", exporter.ToString()));
        }
        foreach (var (socket, drops) in KernelDrops)
        {
            yield return Loss(drops, "kernel-drop", "datagram", new("socket", socket.ToString()));
        }
    }

    private static System.Diagnostics.Metrics.Measurement<long> Loss(long value, string reason, string unit, KeyValuePair<string, object?> where) =>
        new(value, where, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("unit", unit));

    private static System.Diagnostics.Metrics.Measurement<long> Measure(IPAddress exporter, long value) =>
        new(value, new KeyValuePair<string, object?>("exporter", exporter.ToString()));

    public IReadOnlyDictionary<IPAddress, ExporterCounters> Exporters => _exporters;

    public long Records => _exporters.Values.Sum(e => e.Records);

    /// <summary>Datagrams the kernel dropped at each UDP socket, read now (none where the system does not tell).</summary>
    public IReadOnlyDictionary<IPEndPoint, long> KernelDrops =>
        _drops.Select(d => (d.Key, Drops: d.Value.Read())).Where(d => d.Drops is not null).ToDictionary(d => d.Key, d => d.Drops!.Value);

    /// <summary>The asked size of each UDP socket's receive buffer.</summary>
    internal int ReceiveBufferBytes { get; init; } = 8 << 20; // bursts of exports while a batch is being stored

    /// <summary>Batches going round the UDP stages (<see cref="CollectorStages"/>): with the receive buffer, how much a slow store can fall behind.</summary>
    internal int Batches { get; init; } = 128; // 32 MiB of datagrams: about half a second at 40,000 a second, while other work takes the cores

    private ExporterCounters Counters(IPAddress exporter) => _exporters.GetOrAdd(exporter, _ => new ExporterCounters());

    private void Lost(ExportStream stream, long count) =>
        Interlocked.Add(ref stream.Version == 10 ? ref Counters(stream.Exporter)._lostRecords : ref Counters(stream.Exporter)._lostPackets, count);

    /// <summary>Decodes one export message from an exporter and stores its records (TCP sessions, captures, tests).</summary>
    /// <param name="session">The exporter's UDP source port, or a number of its TCP session: its sequence numbers are followed per session.</param>
    internal ParseOutcome Receive(ReadOnlySpan<byte> message, IPAddress exporter, int session = 0)
    {
        var counters = Counters(exporter);
        ParseOutcome outcome;
        lock (_inline)
        {
            _batch.Clear();
            lock (_lock)
            {
                outcome = Decode(message, exporter, FlowRecord.Address(exporter), session, counters, _batch, _time.GetUtcNow().ToUnixTimeMilliseconds());
            }
            if (_batch.Count > 0)
            {
                _append(_batch);
            }
        }
        Interlocked.Add(ref counters._records, outcome.Records);
        return outcome;
    }

    /// <summary>
    /// Decodes one message, adding its records to the list; follows its sequence numbers and counts its problem. The
    /// caller holds <see cref="_lock"/> (the parser's and the sequences' state).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private ParseOutcome Decode(ReadOnlySpan<byte> message, IPAddress exporter, UInt128 exporterKey, int session, ExporterCounters counters,
        List<FlowRecord> into, long now)
    {
        Interlocked.Increment(ref counters._messages);
        var outcome = _parser.Parse(message, exporterKey, now, into);
        _sequences.Observe(message, exporter, session, outcome, now); // before storing: a failing store loses the records, not the sequence
        if (outcome.Problem is { } problem)
        {
            Count(exporter, problem);
        }
        return outcome;
    }

    /// <summary>The decode stage: a batch's datagrams into its records, message by message, under one lock and clock reading.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private void Decode(DatagramBatch batch)
    {
        IPAddress? exporter = null;
        ExporterCounters? counters = null;
        UInt128 exporterKey = default;
        lock (_lock)
        {
            long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            for (int i = 0; i < batch.Datagrams.Count; i++)
            {
                var from = batch.Datagrams[i].From;
                if (!from.Address.Equals(exporter))
                {
                    (exporter, counters, exporterKey) = (from.Address, Counters(from.Address), FlowRecord.Address(from.Address));
                }
                int before = batch.Records.Count;
                try
                {
                    Decode(batch.Datagram(i), exporter, exporterKey, from.Port, counters!, batch.Records, now);
                }
#pragma warning disable CA1031 // a decoding bug must cost this message, not the collector
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Failed(exporter, e);
                    batch.Records.RemoveRange(before, batch.Records.Count - before);
                    continue;
                }
                batch.Messages.Add((exporter, counters!, before, batch.Records.Count - before));
            }
        }
    }

    /// <summary>
    /// The store stage: a batch's records in one append. When that throws, its messages are stored one by one, so a
    /// failure costs only the messages whose storing throws (a store that failed half-way may keep some records twice).
    /// </summary>
    private void Store(DatagramBatch batch)
    {
        if (batch.Records.Count == 0)
        {
            return;
        }
        try
        {
            _append(batch.Records);
        }
#pragma warning disable CA1031 // a failing store (disk full) must cost its messages, not the collector
        catch (Exception)
        {
            foreach (var (exporter, counters, from, count) in batch.Messages.Where(m => m.Count > 0))
            {
                try
                {
                    _append(batch.Records.GetRange(from, count));
                    Interlocked.Add(ref counters._records, count);
                }
                catch (Exception e)
                {
                    Failed(exporter, e);
                }
            }
            return;
        }
#pragma warning restore CA1031
        foreach (var (_, counters, _, count) in batch.Messages)
        {
            Interlocked.Add(ref counters._records, count);
        }
    }

    private void Failed(IPAddress exporter, Exception e)
    {
        Interlocked.Increment(ref Counters(exporter)._failed);
        if (_failuresLogged.TryAdd(e.GetType(), true))
        {
            CollectorLog.MessageFailed(_logger, exporter, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Drops held data sets whose template did not come (counted as such) and counts as lost the sequence gaps no late
    /// message filled within <see cref="GapWait"/>; also run every second by a timer.
    /// </summary>
    public void Expire() => Expire(final: false);

    /// <summary>At the end of a run: <see cref="Expire()"/>, and every sequence gap still open is counted as lost.</summary>
    public void Finish() => Expire(final: true);

    /// <summary>How long a sequence gap waits for a reordered message to fill it.</summary>
    public static readonly TimeSpan GapWait = TimeSpan.FromSeconds(2);

    private void Expire(bool final)
    {
        List<UInt128> dropped;
        lock (_lock)
        {
            long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            dropped = _parser.Expire(now);
            _sequences.Settle(final ? long.MaxValue : now - (long)GapWait.TotalMilliseconds, now);
        }
        foreach (var exporter in dropped)
        {
            Count(FlowRecord.Address(exporter), ExportProblem.TemplateMissing);
        }
    }

    private void Count(IPAddress exporter, ExportProblem problem)
    {
        var counters = Counters(exporter);
        counters._problems.AddOrUpdate(problem, 1, (_, n) => n + 1);
        if (_logged.TryAdd((exporter, problem), true))
        {
            CollectorLog.Problem(_logger, exporter, problem, Explain(problem));
        }
    }

    private static string Explain(ExportProblem problem) => problem switch
    {
        ExportProblem.UnknownVersion => "not IPFIX (version 10) or NetFlow v9",
        ExportProblem.Truncated => "a message, set or record is cut short",
        ExportProblem.Malformed => "a length or count that cannot be",
        _ => "data sets whose template never came were dropped",
    };

    /// <summary>
    /// Receives UDP datagrams (IPFIX or NetFlow v9) on the endpoint; returns where it listens. Warns once when the kernel
    /// granted less receive buffer than asked.
    /// </summary>
    /// <param name="setting">The option or configuration field that gave the endpoint, named in the warning.</param>
    /// <exception cref="SocketException">The endpoint cannot be bound.</exception>
    public IPEndPoint ListenUdp(IPEndPoint endpoint, string setting = "collector.listen")
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = ReceiveBufferBytes;
            socket.Bind(endpoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        // Linux grants min(asked, net.core.rmem_max) and reports it doubled (the doubling is its bookkeeping overhead).
        int granted = OperatingSystem.IsLinux() ? socket.ReceiveBufferSize / 2 : socket.ReceiveBufferSize;
        if (granted < ReceiveBufferBytes)
        {
            CollectorLog.BufferCapped(_logger, setting, granted, ReceiveBufferBytes);
        }
        var local = (IPEndPoint)socket.LocalEndPoint!;
        if (UdpDrops.For(socket) is { } drops)
        {
            _drops[local] = drops;
        }
        _sockets.Add(socket);
        _stages ??= new CollectorStages(Batches, Decode, Store, _logger);
        _stages.Receive(socket, local);
        return local;
    }

    /// <summary>Accepts IPFIX over TCP (RFC 7011 §10.4) on the endpoint; returns where it listens.</summary>
    /// <exception cref="SocketException">The endpoint cannot be bound.</exception>
    public IPEndPoint ListenTcp(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(64);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _sockets.Add(socket);
        _loops.Add(Task.Run(() => AcceptLoopAsync(socket)));
        return (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary><see cref="Receive"/> for the TCP sessions: whatever one message does, the session goes on to the next.</summary>
    private void ReceiveSafely(ReadOnlySpan<byte> message, IPAddress exporter, int session)
    {
        try
        {
            Receive(message, exporter, session);
        }
#pragma warning disable CA1031 // a failing store (disk full) or a decoding bug must cost this message, not the collector
        catch (Exception e)
#pragma warning restore CA1031
        {
            Failed(exporter, e);
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        var sessions = new List<Task>();
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                continue;
            }
            sessions.RemoveAll(t => t.IsCompleted);
            sessions.Add(Task.Run(() => TcpSessionAsync(client)));
        }
        await Task.WhenAll(sessions).ConfigureAwait(false);
    }

    private async Task TcpSessionAsync(Socket client)
    {
        using var _ = client;
        var exporter = Unmapped(((IPEndPoint)client.RemoteEndPoint!).Address);
        int session = 0x10000 + Interlocked.Increment(ref _tcpSessions); // beyond UDP ports: its own sequence
        await using var stream = new NetworkStream(client, ownsSocket: false);
        var message = new byte[65535];
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                if (!await ReadExactlyAsync(stream, message.AsMemory(0, 16)).ConfigureAwait(false))
                {
                    return; // the exporter closed the session
                }
                int length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2));
                if (BinaryPrimitives.ReadUInt16BigEndian(message) != 10 || length < 16)
                {
                    ReceiveSafely(message.AsSpan(0, 16), exporter, session); // counted with its reason; the stream has lost its framing
                    return;
                }
                if (!await ReadExactlyAsync(stream, message.AsMemory(16, length - 16)).ConfigureAwait(false))
                {
                    Count(exporter, ExportProblem.Truncated);
                    return;
                }
                ReceiveSafely(message.AsSpan(0, length), exporter, session);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the session ended
        }
    }

    private async Task<bool> ReadExactlyAsync(Stream stream, Memory<byte> buffer)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, _stopping.Token).ConfigureAwait(false);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }

    internal static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>
    /// Stops receiving and waits until every export message received has been decoded and stored (then
    /// <see cref="Finish"/> and the counters are complete). Disposing stops too.
    /// </summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_stages is not null)
        {
            await _stages.StopAsync(_sockets).ConfigureAwait(false);
        }
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _expiry.DisposeAsync().ConfigureAwait(false);
        await _lossReport.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _meter.Dispose();
    }
}

internal static partial class CollectorLog
{
    [LoggerMessage(LogEvents.FlowExporterProblem, LogLevel.Warning,
        "Exporter {Exporter}: {Problem} ({Explanation}); counted, and not logged again for this exporter")]
    public static partial void Problem(ILogger logger, IPAddress exporter, ExportProblem problem, string explanation);

    [LoggerMessage(LogEvents.FlowReceiveFailed, LogLevel.Warning, "Receiving flow exports failed: {Reason}")]
    public static partial void ReceiveFailed(ILogger logger, string reason);

    [LoggerMessage(LogEvents.FlowMessageFailed, LogLevel.Error,
        "Exporter {Exporter}: storing an export message failed ({Reason}); its records are lost, the collector goes on; " +
        "counted, and not logged again for this reason")]
    public static partial void MessageFailed(ILogger logger, IPAddress exporter, string reason);

    [LoggerMessage(LogEvents.FlowLost, LogLevel.Warning, "Exporter {Exporter} lost {Lost} (sequence gaps) in the last {Seconds} s")]
    public static partial void SequenceGaps(ILogger logger, IPAddress exporter, string lost, int seconds);

    [LoggerMessage(LogEvents.FlowKernelDrops, LogLevel.Warning,
        "UDP {Socket}: the kernel dropped {Datagrams} datagrams (receive buffer full) in the last {Seconds} s")]
    public static partial void KernelDrops(ILogger logger, IPEndPoint socket, long datagrams, int seconds);

    [LoggerMessage(LogEvents.FlowBufferCapped, LogLevel.Warning,
        "{Setting}: receive buffer capped at {Granted} bytes by net.core.rmem_max (asked {Asked}); raise it with sysctl -w net.core.rmem_max={Asked}")]
    public static partial void BufferCapped(ILogger logger, string setting, int granted, int asked);
}
