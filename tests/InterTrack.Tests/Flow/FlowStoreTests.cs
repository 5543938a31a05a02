using InterTrack.Flow;
using InterTrack.Flow.Store;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Flow;

public sealed class FlowStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("intertrack-flowstore-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(FlowTestRecords.T0Ms));

    [Fact]
    public void Records_survive_a_crash_of_the_writer_and_a_torn_last_record_is_cut()
    {
        var records = Enumerable.Range(0, 500).Select(i => FlowTestRecords.Udp(i)).ToList();
        string crashed = Path.Combine(_directory, "crashed");
        using (var writer = FlowStore.OpenWriter(Path.Combine(_directory, "live"), time: _time))
        {
            writer.Append(records);
            // What a crash leaves: the data file as written so far (no index), and half a record after it.
            Directory.CreateDirectory(crashed);
            foreach (var file in Directory.GetFiles(Path.Combine(_directory, "live")))
            {
                File.Copy(file, Path.Combine(crashed, Path.GetFileName(file)));
            }
            Assert.Empty(Directory.GetFiles(crashed, "*.itx"));
            using var data = new FileStream(Directory.GetFiles(crashed, "*.itf").Single(), FileMode.Append);
            data.Write(new byte[FlowRecord.Size / 2]);
        }
        using var restarted = FlowStore.OpenWriter(crashed, time: _time);
        Assert.Equal(500, restarted.Count);
        Assert.Single(restarted.Find(records[321].Key, records[321].StartMs, TimeSpan.Zero));
        restarted.Append([FlowTestRecords.Udp(9999)]);
        Assert.Equal(501, restarted.Count);
    }

    [Fact]
    public void A_reader_follows_what_the_writer_appends_and_seals()
    {
        using var writer = FlowStore.OpenWriter(_directory, new FlowStoreOptions { SegmentRecords = 100 }, _time);
        writer.Append([.. Enumerable.Range(0, 150).Select(i => FlowTestRecords.Udp(i))]);
        using var reader = FlowStore.OpenReader(_directory, _time);
        Assert.Equal(150, reader.Count);
        Assert.Single(reader.Find(FlowTestRecords.Udp(42).Key, FlowTestRecords.T0Ms + 45, TimeSpan.Zero));   // sealed segment, by its index
        Assert.Single(reader.Find(FlowTestRecords.Udp(142).Key, FlowTestRecords.T0Ms + 145, TimeSpan.Zero)); // open segment
        writer.Append([FlowTestRecords.Udp(300)]);
        Assert.Empty(reader.Find(FlowTestRecords.Udp(300).Key, null, TimeSpan.Zero)); // the listing is read again after a second
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(reader.Find(FlowTestRecords.Udp(300).Key, null, TimeSpan.Zero));
    }

    [Fact]
    public void The_index_of_a_segment_sealed_while_the_next_fills_finds_every_record_of_a_key()
    {
        // 50 keys, each 5 times, 100 records a segment: every key twice in each of the first two segments.
        var records = Enumerable.Range(0, 250).Select(i => FlowTestRecords.Udp(i % 50) with { StartMs = FlowTestRecords.T0Ms + i }).ToList();
        using (var writer = FlowStore.OpenWriter(_directory, new FlowStoreOptions { SegmentRecords = 100 }, _time))
        {
            foreach (var chunk in records.Chunk(30))
            {
                writer.Append(chunk);
            }
        }
        using var reader = FlowStore.OpenReader(_directory, _time);
        Assert.Equal(3, Directory.GetFiles(_directory, "*" + FlowSegment.IndexExtension).Length);
        Assert.Equal([7, 57, 107, 157, 207], reader.Find(FlowTestRecords.Udp(7).Key, null, TimeSpan.Zero)
            .Select(r => (int)(r.StartMs - FlowTestRecords.T0Ms)).Order());
    }

    [Fact]
    public void A_sealed_index_finds_a_key_repeated_far_more_than_others_in_the_order_its_records_came()
    {
        // One key 100 times among 2,000 keys once: its hash bucket is too large for the quick sort of small ones.
        var records = Enumerable.Range(0, 2_100).Select(i => (i % 21 == 0 ? FlowTestRecords.Udp(7) : FlowTestRecords.Udp(100 + i))
            with { StartMs = FlowTestRecords.T0Ms + i, EndMs = FlowTestRecords.T0Ms + i }).ToList();
        using (var writer = FlowStore.OpenWriter(_directory, time: _time))
        {
            writer.Append(records);
        }
        using var reader = FlowStore.OpenReader(_directory, _time);
        Assert.Equal(Enumerable.Range(0, 100).Select(k => 21L * k), reader.Find(FlowTestRecords.Udp(7).Key, null, TimeSpan.Zero)
            .Select(r => r.StartMs - FlowTestRecords.T0Ms));
        Assert.All(records.Where((_, i) => i % 21 != 0), r => Assert.Single(reader.Find(r.Key, null, TimeSpan.Zero)));
    }

    [Fact]
    public void A_flow_matches_only_near_its_time_and_only_its_own_key()
    {
        using var store = FlowStore.OpenWriter(_directory, time: _time);
        var record = FlowTestRecords.Udp(7); // flows from T0+7 to T0+17 ms
        store.Append([record]);
        Assert.Single(store.Find(record.Key, FlowTestRecords.T0Ms + 12, TimeSpan.Zero));
        Assert.Single(store.Find(record.Key, FlowTestRecords.T0Ms + 2_017, TimeSpan.FromSeconds(2)));
        Assert.Empty(store.Find(record.Key, FlowTestRecords.T0Ms + 2_018, TimeSpan.FromSeconds(2)));
        Assert.Empty(store.Find(FlowTestRecords.Udp(8).Key, FlowTestRecords.T0Ms + 12, TimeSpan.Zero));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
