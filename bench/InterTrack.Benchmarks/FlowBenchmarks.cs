using System.Net;
using BenchmarkDotNet.Attributes;
using InterTrack.Flow;
using InterTrack.Flow.Export;
using InterTrack.Flow.Store;

namespace InterTrack.Benchmarks;

/// <summary>
/// The flow collector on one core: IPFIX messages of 26 IPv4 records each (what an exporter sends
/// in one Ethernet-sized datagram) decoded, and decoded and appended to a flow store on disk; and
/// the flow query a BTM asks per packet and link, on a sealed segment of 2^20 records (by its index
/// file) and on an open one (in-memory index).
/// </summary>
public class FlowBenchmarks
{
    private const int Records = 100_000;
    private readonly IPAddress _exporter = IPAddress.Parse("192.0.2.1");
    private List<byte[]> _messages = null!;
    private string _directory = null!;
    private FlowStore _store = null!;
    private FlowCollector _collector = null!;
    private FlowStore _sealed = null!;
    private FlowStore _open = null!;
    private FlowKey[] _keys = null!;
    private long _startMs;
    private int _next;

    private static FlowRecord Record(int i, long startMs) => new()
    {
        IpVersion = 4, Protocol = 17, Source = FlowRecord.Address(new IPAddress(BitConverter.GetBytes(0x12C6 + (i << 16)))),
        Destination = FlowRecord.Address(IPAddress.Parse("203.0.113.7")), SourcePort = (ushort)(1024 + i % 60000), DestinationPort = 53,
        IngressInterface = 3, EgressInterface = 4, StartMs = startMs + i / 1000, EndMs = startMs + i / 1000 + 5, Packets = 1, Octets = 64, SamplingInterval = 1,
    };

    [GlobalSetup]
    public void Setup()
    {
        _startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _messages = new IpfixWriter(1, templateEvery: 50).Messages([.. Enumerable.Range(0, Records).Select(i => Record(i, _startMs))], _startMs);
        _directory = Directory.CreateTempSubdirectory("intertrack-flowbench-").FullName;
        _store = FlowStore.OpenWriter(Path.Combine(_directory, "collect"), new FlowStoreOptions { SegmentRecords = 1 << 22 });
        _collector = new FlowCollector(_store);
        const int stored = 1 << 20;
        _open = FlowStore.OpenWriter(Path.Combine(_directory, "query"), new FlowStoreOptions { SegmentRecords = 1 << 21 });
        for (int from = 0; from < stored; from += 65_536)
        {
            _open.Append([.. Enumerable.Range(from, 65_536).Select(i => Record(i, _startMs))]);
        }
        _open.Dispose(); // sealed: its index file is written
        _sealed = FlowStore.OpenReader(Path.Combine(_directory, "query"));
        _open = FlowStore.OpenWriter(Path.Combine(_directory, "open"), new FlowStoreOptions { SegmentRecords = 1 << 21 });
        for (int from = 0; from < stored; from += 65_536)
        {
            _open.Append([.. Enumerable.Range(from, 65_536).Select(i => Record(i, _startMs))]);
        }
        _keys = [.. Enumerable.Range(0, 4096).Select(i => Record(i * 251, _startMs).Key)]; // each stored once in both
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _collector.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.Dispose();
        _sealed.Dispose();
        _open.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Records, Description = "decode only, per record")]
    public int Decode()
    {
        var parser = new ExportParser();
        var output = new List<FlowRecord>(64);
        int n = 0;
        foreach (var message in _messages)
        {
            output.Clear();
            n += parser.Parse(message, 1, _startMs, output).Records;
        }
        return n;
    }

    [Benchmark(OperationsPerInvoke = Records, Description = "collect (decode and store), per record")]
    public long Collect()
    {
        foreach (var message in _messages)
        {
            _collector.Receive(message, _exporter);
        }
        return _collector.Records;
    }

    [Benchmark(Description = "query a sealed segment of 2^20 records")]
    public int QuerySealed()
    {
        var key = _keys[_next++ & 4095];
        return _sealed.Find(key, null, TimeSpan.FromSeconds(2)).Count;
    }

    [Benchmark(Description = "query an open segment of 2^20 records")]
    public int QueryOpen()
    {
        var key = _keys[_next++ & 4095];
        return _open.Find(key, null, TimeSpan.FromSeconds(2)).Count;
    }
}
