using BenchmarkDotNet.Attributes;
using InterTrack.Digest;

namespace InterTrack.Benchmarks;

/// <summary>
/// Digest table speed on one core: inserts through <see cref="DigestTable.Add"/> (hash, batch,
/// prefetch, set bits; page rotation included) and membership queries, for tables larger than
/// the caches. Keys are 28-byte IPv4 invariants.
/// </summary>
public class DigestBenchmarks
{
    private const int Keys = 1 << 20;
    private const int KeyLength = 28;

    private byte[] _keys = null!;
    private DigestTable _table = null!;
    private DigestPage _page = null!;
    private long _time;

    [Params(16, 256)]
    public int TableMiB { get; set; }

    [Params(3, 4)]
    public int Hashes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _keys = new byte[Keys * KeyLength];
        new Random(7).NextBytes(_keys);
        const double bitsPerPacket = 16;
        var options = new DigestOptions
        {
            BitsPerPacket = bitsPerPacket,
            Hashes = Hashes,
            PageCapacity = (long)(TableMiB * 8.0 * 1024 * 1024 / bitsPerPacket),
            Window = TimeSpan.FromDays(365),
            MemoryBudgetBytes = 2L * TableMiB * 1024 * 1024,
        };
        _table = new DigestTable("bench", options);
        for (int i = 0; i < Keys; i++)
        {
            _table.Add(_keys.AsSpan(i * KeyLength, KeyLength), 0);
        }
        _table.Flush();
        _page = _table.Pages.Last();
    }

    [GlobalCleanup]
    public void Cleanup() => _table.Dispose();

    [Benchmark(OperationsPerInvoke = Keys)]
    public void Insert()
    {
        var keys = _keys.AsSpan();
        for (int i = 0; i < Keys; i++)
        {
            _table.Add(keys.Slice(i * KeyLength, KeyLength), _time);
        }
        _table.Flush();
        _time++;
    }

    [Benchmark(OperationsPerInvoke = Keys)]
    public int Query()
    {
        var keys = _keys.AsSpan();
        int found = 0;
        ulong seed = _table.Seed;
        for (int i = 0; i < Keys; i++)
        {
            var key = keys.Slice(i * KeyLength, KeyLength);
            key[0] ^= 0x5A; // half members, half not: a query pattern with no shortcut
            found += _page.Contains(DigestPage.Hash(key, seed)) ? 1 : 0;
            key[0] ^= 0x5A;
        }
        return found;
    }
}
