using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using InterTrack.Digest;

namespace InterTrack.Benchmarks;

/// <summary>
/// What a key scheme costs a capture agent: per packet, the key from the IP packet
/// (<see cref="DigestSchemes.KeyFromIp"/>: the invariant bytes for xxh3, their MD5 for
/// packter-md5) and the insert, into a 16 MiB table with k = 4. Packets are 36-byte IPv4/UDP.
/// </summary>
public class DigestSchemeBenchmarks
{
    private const int Packets = 1 << 20;
    private const int PacketLength = 36;

    private byte[] _packets = null!;
    private DigestTable _table = null!;
    private long _time;

    [Params(DigestScheme.Xxh3, DigestScheme.PackterMd5)]
    public DigestScheme Scheme { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _packets = new byte[Packets * PacketLength];
        var random = new Random(7);
        for (int i = 0; i < Packets; i++)
        {
            var p = _packets.AsSpan(i * PacketLength, PacketLength);
            random.NextBytes(p);
            p[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(p[2..], PacketLength);
            p[9] = 17;
        }
        _table = new DigestTable("bench", new DigestOptions
        {
            BitsPerPacket = 16, Hashes = 4, PageCapacity = 16L * 1024 * 1024 * 8 / 16, Window = TimeSpan.FromDays(365),
            MemoryBudgetBytes = 32L * 1024 * 1024, Scheme = Scheme,
        });
    }

    [GlobalCleanup]
    public void Cleanup() => _table.Dispose();

    [Benchmark(OperationsPerInvoke = Packets)]
    public void KeyAndInsert()
    {
        Span<byte> key = stackalloc byte[DigestSchemes.MaxKeyLength];
        var packets = _packets.AsSpan();
        for (int i = 0; i < Packets; i++)
        {
            int length = Scheme.KeyFromIp(packets.Slice(i * PacketLength, PacketLength), key);
            _table.Add(key[..length], _time);
        }
        _table.Flush();
        _time++;
    }
}
