using InterTrack.Digest;

namespace InterTrack.Tests.Digest;

public sealed class PackterMd5Tests
{
    // Vectors computed apart from this code (Python hashlib over the fields zeroed by hand): an IPv4
    // packet with 4 option bytes, TOS 0xb8, DF, TTL 57; an IPv6 packet with traffic class 0xab and
    // flow label 0x12345.
    private const string Ipv4 = "46b800401c4640003911abcdc0000201cb00710794040000d4310035002cbeef0102030405060708";
    private const string Ipv6 = "6ab123450010113a20010db800000000000000000000000120010db8000000000000000000000002d431003500101234deadbeefcafe";

    [Theory]
    [InlineData(Ipv4, "e0084e66777e6adcb48eb4dd553859af")]
    [InlineData(Ipv6, "5a0cb05dbd9b1f59e7eef994a800d55f")]
    public void The_hash_is_the_historic_clients_md5_of_the_invariant_in_lowercase_hex(string packet, string md5) =>
        Assert.Equal(md5, PackterMd5.Hex(Convert.FromHexString(packet)));

    [Fact]
    public void The_managed_md5_equals_the_platforms_for_every_length_it_takes()
    {
        var random = new Random(5);
        Span<byte> ours = stackalloc byte[16];
        for (int length = 0; length <= ShortMd5.MaxInput; length++)
        {
            for (int round = 0; round < 20; round++)
            {
                var message = new byte[length];
                random.NextBytes(message);
                ShortMd5.Hash(message, ours);
#pragma warning disable CA5351 // the reference implementation, for comparison
                Assert.Equal(System.Security.Cryptography.MD5.HashData(message), ours.ToArray());
#pragma warning restore CA5351
            }
        }
    }

    [Fact]
    public void What_routers_change_does_not_change_the_hash_and_what_they_keep_does()
    {
        string original = PackterMd5.Hex(TestPackets.Udp4(7));
        Assert.Equal(original, PackterMd5.Hex(TestPackets.Udp4(7, ttl: 3, tos: 0x2e)));
        Assert.NotEqual(original, PackterMd5.Hex(TestPackets.Udp4(8)));
        Assert.Equal(PackterMd5.Hex(TestPackets.Tcp6(7)), PackterMd5.Hex(TestPackets.Tcp6(7, hopLimit: 9)));
        Assert.Empty(PackterMd5.Of(new byte[10])); // not an IP header
    }

    [Fact]
    public void A_packter_md5_page_answers_for_the_md5_alone_and_survives_its_file()
    {
        using var table = new DigestTable("r1:in", new DigestOptions { PageCapacity = 1000, Scheme = DigestScheme.PackterMd5 });
        Span<byte> key = stackalloc byte[DigestSchemes.MaxKeyLength];
        for (int i = 0; i < 100; i++)
        {
            var packet = TestPackets.Udp4(i);
            table.Add(key[..DigestScheme.PackterMd5.KeyFromIp(packet, key)], 1_000 + i);
        }
        table.SealCurrent();
        var page = Assert.Single(table.Pages);
        Assert.Equal(DigestScheme.PackterMd5, page.Scheme);

        // As a historic client asks (only the MD5, with the packet forwarded once more), and as a new one does.
        Assert.True(DigestQuery.Ask(table.Pages, DigestKeys.OfPackterMd5(PackterMd5.Of(TestPackets.Udp4(42, ttl: 63))), null, TimeSpan.Zero).Seen);
        Assert.True(DigestQuery.Ask(table.Pages, DigestKeys.OfPacket(TestPackets.Udp4(42)), null, TimeSpan.Zero).Seen);
        Assert.False(DigestQuery.Ask(table.Pages, DigestKeys.OfPackterMd5(PackterMd5.Of(TestPackets.Udp4(500))), null, TimeSpan.Zero).Seen);

        string dir = Directory.CreateTempSubdirectory("intertrack-md5pages-").FullName;
        try
        {
            using var loaded = DigestPageFile.Load(DigestPageFile.Save(page, dir));
            Assert.Equal(DigestScheme.PackterMd5, loaded.Scheme);
            Assert.True(DigestQuery.Ask([loaded], DigestKeys.OfPackterMd5(PackterMd5.Of(TestPackets.Udp4(42))), null, TimeSpan.Zero).Seen);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Xxh3_pages_are_not_asked_about_a_packet_known_only_by_its_md5()
    {
        using var table = new DigestTable("r1:in", new DigestOptions { PageCapacity = 1000 });
        table.Add(PacketInvariant.Of(TestPackets.Udp4(1)), 1_000);
        table.Flush();
        var answer = DigestQuery.Ask(table.Pages, DigestKeys.OfPackterMd5(PackterMd5.Of(TestPackets.Udp4(1))), null, TimeSpan.Zero);
        Assert.False(answer.Seen);
        Assert.Empty(answer.Pages);
        Assert.True(DigestQuery.Ask(table.Pages, DigestKeys.OfPacket(TestPackets.Udp4(1)), null, TimeSpan.Zero).Seen);
    }
}
