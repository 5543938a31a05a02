using InterTrack.Digest;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Digest;

/// <summary>
/// A BTM or DTM over a page directory: it reads headers, loads only the pages of a query's time
/// window, keeps them within a memory budget, and follows pages added and removed later.
/// </summary>
public sealed class DigestArchiveSourceTests : IDisposable
{
    private const long T0 = 1_764_000_000L * 1_000_000_000, Minute = 60_000_000_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-archive-").FullName;

    [Fact]
    public void Only_the_pages_of_the_time_window_are_loaded_and_the_cache_stays_within_its_budget()
    {
        var options = new DigestOptions { PageCapacity = 10_000, Window = TimeSpan.FromMinutes(1) };
        // Ten pages of one minute each, packet i of page m at T0 + m minutes.
        for (int m = 0; m < 10; m++)
        {
            using var table = new DigestTable("r1-eth0:in", options, seed: 7);
            table.PageSealed += page => DigestPageFile.Save(page, _dir);
            for (int i = 0; i < 100; i++)
            {
                table.Add(PacketInvariant.Of(TestPackets.Udp4(m * 1000 + i)), T0 + m * Minute + i);
            }
            table.SealCurrent();
        }
        long pageBytes = options.PageBytes;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var source = new DigestArchiveSource(_dir, TimeSpan.FromSeconds(1), time, cacheBytes: 3 * pageBytes);
        Assert.Equal(["r1-eth0:in"], source.Links);
        Assert.Equal(0, source.LoadedPages); // headers only

        var answer = source.Ask("r1-eth0:in", DigestKeys.OfPacket(TestPackets.Udp4(4005)), T0 + 4 * Minute + 5, TimeSpan.FromSeconds(2));
        Assert.True(answer.Seen);
        Assert.Single(answer.Pages);
        Assert.Equal(1, source.LoadedPages);

        for (int m = 0; m < 10; m++)
        {
            Assert.True(source.Ask("r1-eth0:in", DigestKeys.OfPacket(TestPackets.Udp4(m * 1000 + 7)), T0 + m * Minute + 7, TimeSpan.FromSeconds(2)).Seen);
            Assert.InRange(source.LoadedPages, 1, 3);
        }
        // Another minute's packet is not in this minute's page; a time no page covers is expired.
        Assert.False(source.Ask("r1-eth0:in", DigestKeys.OfPacket(TestPackets.Udp4(5007)), T0 + 2 * Minute + 7, TimeSpan.FromSeconds(2)).Seen);
        Assert.True(source.Ask("r1-eth0:in", DigestKeys.OfPacket(TestPackets.Udp4(1)), T0 + 60 * Minute, TimeSpan.FromSeconds(2)).Expired);

        // Pages removed from the directory are forgotten once the listing is read again.
        foreach (var file in Directory.GetFiles(_dir))
        {
            File.Delete(file);
        }
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(source.Links);
        Assert.Equal(0, source.LoadedPages);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
