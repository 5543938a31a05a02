using BenchmarkDotNet.Attributes;
using InterTrack.Protocol;
using InterTrack.Protocol.Model;

namespace InterTrack.Benchmarks;

/// <summary>
/// Codec cost of a typical inter-AS request: an ITMTraceRequest carrying 16 footmarks, each a
/// 64-byte IPv4 packet in base64 with its capture time, after two AS hops. Decode includes the
/// frame scan and schema validation that every inbound message goes through.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly MessageCodec _codec = new();
    private ItmTraceRequest _request = null!;
    private byte[] _document = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var t0 = new TimeVal(1_764_000_000, 0);
        var footmarks = Enumerable.Range(0, 16).Select(i =>
        {
            var packet = new byte[64];
            random.NextBytes(packet);
            packet[0] = 0x45;
            return new Footmark(new PacketDump(Convert.ToBase64String(packet), DumpEncoding.Base64, DumpHeader.Ip, 1, 44),
                t0 with { Usec = (uint)(i * 1000) });
        });
        var origin = NeighborNode.ForItm(65001);
        _request = new ItmTraceRequest(NeighborNode.ForItm(65003), new MessageId(origin, t0), 14,
            new ItmPathList(origin, [new NextHop(NodeId.ForItm(65002), 1)]), new BulkFootmark([.. footmarks], t0));
        _document = _codec.Encode(_request);
    }

    [Benchmark]
    public byte[] Encode() => _codec.Encode(_request);

    [Benchmark]
    public InterTrackMessage Decode() => _codec.Decode(_document);
}
