using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using InterTrack.Flow.Export;
using InterTrack.Flow.Store;
using InterTrack.Node.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Flow;

/// <summary>What the collector took from one exporter.</summary>
public sealed class ExporterCounters
{
    internal long _messages, _records;
    internal readonly ConcurrentDictionary<ExportProblem, long> _problems = new();

    public long Messages => Interlocked.Read(ref _messages);
    public long Records => Interlocked.Read(ref _records);
    public IReadOnlyDictionary<ExportProblem, long> Problems => _problems;
}

/// <summary>
/// The flow collector: takes IPFIX and NetFlow v9 export messages (UDP, IPFIX over TCP, or handed
/// in from a capture or an emulated router), decodes them and appends the records to a
/// <see cref="FlowStore"/>. Bad messages are counted per exporter and reason and logged once
/// per exporter and reason; they never stop it.
/// </summary>
public sealed class FlowCollector : IAsyncDisposable
{
    private readonly FlowStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ExportParser _parser;
    private readonly List<FlowRecord> _batch = [];
    private readonly object _lock = new();
    private readonly ConcurrentDictionary<IPAddress, ExporterCounters> _exporters = new();
    private readonly ConcurrentDictionary<(IPAddress, ExportProblem), bool> _logged = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly List<Socket> _sockets = [];
    private readonly ITimer _expiry;
    private readonly System.Diagnostics.Metrics.Meter _meter = new(Node.Telemetry.NodeMetrics.MeterName);

    public FlowCollector(FlowStore store, ExportParser? parser = null, ILogger? logger = null, TimeProvider? time = null)
    {
        _store = store;
        _parser = parser ?? new ExportParser();
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _expiry = _time.CreateTimer(_ => Expire(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        _meter.CreateObservableCounter("intertrack.flow.records", () => _exporters.Select(e => Measure(e.Key, e.Value.Records)),
            "{record}", "Flow records stored, per exporter.");
        _meter.CreateObservableCounter("intertrack.flow.messages", () => _exporters.Select(e => Measure(e.Key, e.Value.Messages)),
            "{message}", "Export messages received, per exporter.");
        _meter.CreateObservableCounter("intertrack.flow.dropped", () => _exporters.SelectMany(e => e.Value.Problems.Select(p =>
            new System.Diagnostics.Metrics.Measurement<long>(p.Value, new KeyValuePair<string, object?>("exporter", e.Key.ToString()),
                new KeyValuePair<string, object?>("problem", p.Key.ToString())))),
            "{set}", "Export messages or data sets dropped, per exporter and problem (TemplateMissing: sets whose template never came).");
    }

    private static System.Diagnostics.Metrics.Measurement<long> Measure(IPAddress exporter, long value) =>
        new(value, new KeyValuePair<string, object?>("exporter", exporter.ToString()));

    public IReadOnlyDictionary<IPAddress, ExporterCounters> Exporters => _exporters;

    public long Records => _exporters.Values.Sum(e => e.Records);

    /// <summary>Decodes one export message from an exporter and stores its records.</summary>
    internal ParseOutcome Receive(ReadOnlySpan<byte> message, IPAddress exporter)
    {
        var counters = _exporters.GetOrAdd(exporter, _ => new ExporterCounters());
        Interlocked.Increment(ref counters._messages);
        ParseOutcome outcome;
        lock (_lock)
        {
            _batch.Clear();
            outcome = _parser.Parse(message, FlowRecord.Address(exporter), _time.GetUtcNow().ToUnixTimeMilliseconds(), _batch);
            if (_batch.Count > 0)
            {
                _store.Append(_batch);
            }
        }
        Interlocked.Add(ref counters._records, outcome.Records);
        if (outcome.Problem is { } problem)
        {
            Count(exporter, problem);
        }
        return outcome;
    }

    /// <summary>Drops held data sets whose template did not come (counted as such); also run every second by a timer.</summary>
    public void Expire()
    {
        List<UInt128> dropped;
        lock (_lock)
        {
            dropped = _parser.Expire(_time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        foreach (var exporter in dropped)
        {
            Count(FlowRecord.Address(exporter), ExportProblem.TemplateMissing);
        }
    }

    private void Count(IPAddress exporter, ExportProblem problem)
    {
        var counters = _exporters.GetOrAdd(exporter, _ => new ExporterCounters());
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

    /// <summary>Receives UDP datagrams (IPFIX or NetFlow v9) on the endpoint; returns where it listens.</summary>
    /// <exception cref="SocketException">The endpoint cannot be bound.</exception>
    public IPEndPoint ListenUdp(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = 8 << 20; // bursts of exports while a batch is being stored
            socket.Bind(endpoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _sockets.Add(socket);
        _loops.Add(Task.Run(() => UdpLoopAsync(socket)));
        return (IPEndPoint)socket.LocalEndPoint!;
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

    private async Task UdpLoopAsync(Socket socket)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                CollectorLog.ReceiveFailed(_logger, e.Message);
                continue;
            }
            Receive(buffer.AsSpan(0, received.ReceivedBytes), Unmapped(((IPEndPoint)received.RemoteEndPoint).Address));
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
                    Receive(message.AsSpan(0, 16), exporter); // counted with its reason; the stream has lost its framing
                    return;
                }
                if (!await ReadExactlyAsync(stream, message.AsMemory(16, length - 16)).ConfigureAwait(false))
                {
                    Count(exporter, ExportProblem.Truncated);
                    return;
                }
                Receive(message.AsSpan(0, length), exporter);
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

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        await Task.WhenAll(_loops).ConfigureAwait(false);
        await _expiry.DisposeAsync().ConfigureAwait(false);
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
}
