using System.Security.Cryptography;
using InterTrack.Digest;

namespace InterTrack.Tests.Digest;

public class DigestTableTests
{
    private const long T0 = 1_764_000_000L * 1_000_000_000;

    [Fact]
    public void A_page_still_taking_packets_reports_its_fill_after_every_insert()
    {
        using var table = new DigestTable("r", new DigestOptions { PageCapacity = 1000, BitsPerPacket = 8 });
        table.Add(PacketInvariant.Of(TestPackets.Udp4(1)), 1);
        table.Flush();
        var page = table.Pages.Single();
        double one = page.Fill();
        for (int i = 2; i <= 100; i++)
        {
            table.Add(PacketInvariant.Of(TestPackets.Udp4(i)), i);
        }
        table.Flush();
        Assert.True(page.Fill() > one * 50, $"fill {page.Fill()} after 100 packets, {one} after one");
    }

    [Fact]
    public void A_packet_after_a_router_hop_is_found_and_one_with_another_payload_byte_is_not()
    {
        var options = new DigestOptions { PageCapacity = 20_000, BitsPerPacket = 16, Hashes = 4 };
        using var table = new DigestTable("r1", options);
        Span<byte> invariant = stackalloc byte[PacketInvariant.MaxLength];
        const int n = 10_000;
        for (int i = 0; i < n; i++)
        {
            var packet = i % 2 == 0 ? TestPackets.Udp4(i) : TestPackets.Tcp6(i);
            table.Add(invariant[..PacketInvariant.FromIp(packet, invariant)], T0 + i);
        }
        table.Flush();
        var page = Assert.Single(table.Pages);

        int foundAfterHop = 0, foundAltered = 0, altered = 0;
        for (int i = 0; i < n; i++)
        {
            // As after a router: another TTL / hop limit, DSCP and ECN rewritten, checksum recomputed.
            var hopped = i % 2 == 0 ? TestPackets.Udp4(i, ttl: 37, tos: 0xB8 | 1) : TestPackets.Tcp6(i, hopLimit: 3);
            if (i % 2 == 1)
            {
                hopped[0] = (byte)((hopped[0] & 0xF0) | 0x0B); // traffic class high nibble
                hopped[1] = (byte)((hopped[1] & 0x0F) | 0x80);
            }
            foundAfterHop += page.Contains(DigestPage.Hash(invariant[..PacketInvariant.FromIp(hopped, invariant)], table.Seed)) ? 1 : 0;

            // One byte among the first 8 after the header differs.
            var original = i % 2 == 0 ? TestPackets.Udp4(i) : TestPackets.Tcp6(i);
            int header = i % 2 == 0 ? 20 : 40;
            original[header + i % 8] ^= 0x01;
            altered++;
            foundAltered += page.Contains(DigestPage.Hash(invariant[..PacketInvariant.FromIp(original, invariant)], table.Seed)) ? 1 : 0;
        }
        Assert.Equal(n, foundAfterHop);
        double expected = page.FalsePositiveRate() * altered;
        Assert.True(foundAltered <= expected + 4 * Math.Sqrt(expected) + 3, $"{foundAltered} altered packets found, about {expected:F1} expected by chance");
    }

    [Fact]
    public void A_page_whose_window_ended_is_sealed_and_saved_once_without_waiting_for_another_packet()
    {
        var options = new DigestOptions { PageCapacity = 1_000, Window = TimeSpan.FromSeconds(2) };
        using var table = new DigestTable("quiet:in", options);
        var sealedPages = new List<DigestPage>();
        table.PageSealed += sealedPages.Add;
        Span<byte> invariant = stackalloc byte[PacketInvariant.MaxLength];
        var packet = TestPackets.Udp4(1);
        table.Add(invariant[..PacketInvariant.FromIp(packet, invariant)], T0);

        table.SealIfWindowEnded(T0 + 1_999_999_999);
        Assert.Empty(sealedPages);
        table.SealIfWindowEnded(T0 + 2_000_000_000);
        var page = Assert.Single(sealedPages);
        Assert.True(page.Contains(DigestPage.Hash(invariant[..PacketInvariant.FromIp(packet, invariant)], table.Seed)));

        // Later traffic opens a new page; the sealed one is not saved a second time.
        table.SealIfWindowEnded(T0 + 5_000_000_000);
        table.Add(invariant[..PacketInvariant.FromIp(TestPackets.Udp4(2), invariant)], T0 + 9_000_000_000);
        table.SealCurrent();
        Assert.Equal(2, sealedPages.Count);
        Assert.NotSame(sealedPages[0], sealedPages[1]);
    }

    [Theory]
    [InlineData(8, 6)]
    [InlineData(10, 7)]
    [InlineData(16, 4)]
    public void Measured_false_positive_rate_is_within_10_percent_of_theory(int bitsPerPacket, int hashes)
    {
        var options = new DigestOptions { PageCapacity = 200_000, BitsPerPacket = bitsPerPacket, Hashes = hashes };
        using var table = new DigestTable("fp", options);
        Span<byte> key = stackalloc byte[16];
        for (long i = 0; i < options.PageCapacity; i++)
        {
            BitConverter.TryWriteBytes(key, i);
            table.Add(key, T0);
        }
        table.Flush();
        var page = Assert.Single(table.Pages);

        const int queries = 1_000_000;
        int hits = 0;
        for (long i = 0; i < queries; i++)
        {
            BitConverter.TryWriteBytes(key, -1 - i); // never inserted
            hits += page.Contains(DigestPage.Hash(key, table.Seed)) ? 1 : 0;
        }
        double measured = hits / (double)queries;
        double theory = options.FullPageFalsePositiveRate;
        Assert.True(Math.Abs(measured - theory) <= 0.1 * theory, $"measured {measured:P4}, theory {theory:P4}");
        Assert.True(Math.Abs(page.FalsePositiveRate() - theory) <= 0.1 * theory, $"estimate from fill {page.FalsePositiveRate():P4}, theory {theory:P4}");
    }

    [Fact]
    public void Pages_rotate_when_full_and_when_their_window_ends_and_the_budget_drops_the_oldest()
    {
        var options = new DigestOptions
        {
            PageCapacity = 1000, BitsPerPacket = 8, Hashes = 3, Window = TimeSpan.FromSeconds(10),
            MemoryBudgetBytes = 3 * 1000, // three pages of 1,000 bytes
        };
        using var table = new DigestTable("r", options);
        var sealedPages = new List<(long Start, long Count)>();
        table.PageSealed += p => sealedPages.Add((p.StartNs, p.Count));
        for (int i = 0; i < 2500; i++) // 2.5 pages in the first second: rotation by capacity
        {
            table.Add(PacketInvariant.Of(TestPackets.Udp4(i)), T0 + i);
        }
        table.Add(PacketInvariant.Of(TestPackets.Udp4(9999)), T0 + 11_000_000_000); // 11 s later: rotation by window
        table.Flush();

        Assert.Equal([(T0, 1000L), (T0 + 1000, 1000L), (T0 + 2000, 500L)], sealedPages);
        Assert.Equal(3, table.Pages.Count); // the first page went for the budget
        Assert.Equal(T0 + 999, table.EvictedUntilNs);
        Assert.Equal([T0 + 1000, T0 + 2000, T0 + 11_000_000_000], table.Pages.Select(p => p.StartNs));

        // A packet of the evicted page's time: expired, not "no". Of a kept page: seen.
        var old = DigestQuery.Ask(table.Pages, DigestKeys.OfPacket(TestPackets.Udp4(5)), T0 + 5, TimeSpan.Zero);
        Assert.True(old.Expired);
        Assert.False(old.Seen);
        var kept = DigestQuery.Ask(table.Pages, DigestKeys.OfPacket(TestPackets.Udp4(1500)), T0 + 1500, TimeSpan.Zero);
        Assert.False(kept.Expired);
        Assert.True(kept.Seen);
        Assert.Equal("r", Assert.Single(kept.Matches).Link);
    }

    [Fact]
    public void A_table_for_half_a_percent_of_a_gigabit_link_at_500_byte_packets_holds_the_expected_count()
    {
        // 1 Gb/s of 500-byte packets = 250,000 packets/s; 0.5 % of 1 Gb/s = 5 Mb/s of digests = 20 bits/packet.
        var options = DigestOptions.ForLink(1e9, 500, 0.005, TimeSpan.FromSeconds(1), hashes: 4);
        Assert.Equal(20, options.BitsPerPacket, 6);
        Assert.Equal(250_000, options.PageCapacity);
        Assert.InRange(options.PageBits, 5_000_000, 5_000_064); // one second of 0.5 % of the link, to a 64-bit word
        Assert.Equal(20.0, options.PageBits / (double)options.PageCapacity, 3); // memory per packet as configured

        using var table = new DigestTable("gige", options);
        Span<byte> key = stackalloc byte[8];
        for (int i = 0; i < 250_000; i++) // one second of the link
        {
            BitConverter.TryWriteBytes(key, i);
            table.Add(key, T0 + i * 4_000L); // 4 µs apart
        }
        var page = Assert.Single(table.Pages);
        Assert.Equal(250_000, page.Count);
        Assert.True(page.IsFull);
        BitConverter.TryWriteBytes(key, -1);
        table.Add(key, T0 + 999_999_999);
        Assert.Equal(2, table.Pages.Count); // packet 250,001 opens the next page
    }

    [Fact]
    public void A_page_file_round_trips_and_damage_is_refused()
    {
        string dir = Directory.CreateTempSubdirectory("intertrack-pages-").FullName;
        try
        {
            using var table = new DigestTable("edge/1 ü", new DigestOptions { PageCapacity = 5000, BitsPerPacket = 10, Hashes = 7 });
            string? path = null;
            table.PageSealed += p => path = DigestPageFile.Save(p, dir);
            Span<byte> key = stackalloc byte[8];
            for (int i = 0; i < 3000; i++)
            {
                BitConverter.TryWriteBytes(key, i);
                table.Add(key, T0 + i);
            }
            table.SealCurrent();
            var original = Assert.Single(table.Pages);

            using (var loaded = DigestPageFile.Load(path!))
            {
                Assert.Equal((original.Link, original.Seed, original.Hashes, original.BitCount, original.Capacity, original.StartNs, original.EndNs,
                    original.Count),
                    (loaded.Link, loaded.Seed, loaded.Hashes, loaded.BitCount, loaded.Capacity, loaded.StartNs, loaded.EndNs, loaded.Count));
                Assert.True(loaded.Words.SequenceEqual(original.Words));
            }

            var bytes = File.ReadAllBytes(path!);
            string damaged = Path.Combine(dir, "damaged.itd");
            var flipped = (byte[])bytes.Clone();
            flipped[bytes.Length / 2] ^= 0x10;
            File.WriteAllBytes(damaged, flipped);
            Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => DigestPageFile.Load(damaged)).Message, StringComparison.Ordinal);
            File.WriteAllBytes(damaged, bytes[..^100]);
            Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => DigestPageFile.Load(damaged)).Message, StringComparison.Ordinal);
            var future = (byte[])bytes.Clone();
            future[8] = 9;
            File.WriteAllBytes(damaged, future);
            Assert.Contains("version 9", Assert.Throws<InvalidDataException>(() => DigestPageFile.Load(damaged)).Message, StringComparison.Ordinal);
            File.WriteAllBytes(damaged, RandomNumberGenerator.GetBytes(200));
            Assert.Contains("not an InterTrack digest page", Assert.Throws<InvalidDataException>(() => DigestPageFile.Load(damaged)).Message,
                StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
