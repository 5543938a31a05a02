using System.Buffers.Binary;
using InterTrack.Digest;
using InterTrack.Packets.Capture;

namespace InterTrack.Tests.Capture;

public class CaptureReaderTests
{
    private const long T0 = 1_764_000_000L * 1_000_000_000 + 123_456_000;

    public static TheoryData<LinkType, int, bool> Links => new()
    {
        { LinkType.Ethernet, 0, false },
        { LinkType.Ethernet, 1, false },   // 802.1Q
        { LinkType.Ethernet, 2, false },   // QinQ
        { LinkType.LinuxSll, 0, false },
        { LinkType.LinuxSll2, 0, false },
        { LinkType.Raw, 0, false },
        { LinkType.Null, 0, false },       // written by a little-endian host
        { LinkType.Null, 0, true },        // written by a big-endian host
        { LinkType.Loop, 0, false },
        { LinkType.Ipv4, 0, false },
        { LinkType.Ipv6, 0, false },
    };

    [Theory]
    [MemberData(nameof(Links))]
    public void Every_link_type_yields_the_invariants_of_its_ip_packets(LinkType link, int vlanTags, bool nullBigEndian)
    {
        var packets = Enumerable.Range(0, 20)
            .Select(i => link == LinkType.Ipv4 || (link != LinkType.Ipv6 && i % 2 == 0) ? TestPackets.Udp4(i) : TestPackets.Tcp6(i))
            .ToList();
        var file = new MemoryStream();
        using (var writer = new PcapWriter(file, link))
        {
            for (int i = 0; i < packets.Count; i++)
            {
                writer.Write(TestPackets.Frame(packets[i], link, vlanTags, nullBigEndian), T0 + i * 1_000_000L);
            }
            file = new MemoryStream(file.ToArray());
        }

        using var reader = CaptureReader.Open(file);
        int n = 0;
        Span<byte> fromFrame = stackalloc byte[PacketInvariant.MaxLength];
        Span<byte> fromIp = stackalloc byte[PacketInvariant.MaxLength];
        while (reader.TryRead(out var packet))
        {
            Assert.Equal(link, packet.LinkType);
            Assert.Equal(T0 + n * 1_000_000L, packet.TimestampNs);
            int length = DigestScheme.Xxh3.KeyFromFrame(packet.Data, packet.LinkType, fromFrame);
            Assert.Equal(packets[n][0] >> 4 == 4 ? 28 : 48, length);
            Assert.Equal(length, PacketInvariant.FromIp(packets[n], fromIp));
            Assert.True(fromFrame[..length].SequenceEqual(fromIp[..length]));
            n++;
        }
        Assert.Equal(packets.Count, n);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Pcap_of_either_byte_order_and_resolution_is_read(bool bigEndian, bool nanoseconds)
    {
        var frames = Enumerable.Range(0, 5).Select(i => TestPackets.Frame(TestPackets.Udp4(i), LinkType.Ethernet)).ToList();
        long[] times = [T0, T0 + 1_000, T0 + 999_999_000, T0 + 5_000_000_000, T0 + 5_000_000_123];
        var bytes = Pcap(frames, times, bigEndian, nanoseconds);
        using var reader = CaptureReader.Open(new MemoryStream(bytes));
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.True(reader.TryRead(out var packet));
            Assert.Equal(nanoseconds ? times[i] : times[i] / 1000 * 1000, packet.TimestampNs);
            Assert.True(packet.Data.SequenceEqual(frames[i]));
        }
        Assert.False(reader.TryRead(out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pcapng_with_several_interfaces_resolutions_and_block_kinds_is_read(bool bigEndian)
    {
        var ip = Enumerable.Range(0, 6).Select(i => TestPackets.Udp4(i)).ToList();
        var file = new MemoryStream();
        using (var writer = new PcapNgTestWriter(file, bigEndian))
        {
            writer.Section();
            writer.Interface(LinkType.Ethernet);                // default resolution: µs
            writer.Interface(LinkType.Raw, tsResolution: 9);    // ns
            writer.Interface(LinkType.LinuxSll2, tsResolution: 0x8A); // 2^-10 s
            writer.Enhanced(0, 1_764_000_000_000_001UL, TestPackets.Frame(ip[0], LinkType.Ethernet));
            writer.Unknown();
            writer.Enhanced(1, 1_764_000_000_000_000_007UL, TestPackets.Frame(ip[1], LinkType.Raw));
            writer.Enhanced(2, 1_764_000_000UL * 1024 + 512, TestPackets.Frame(ip[2], LinkType.LinuxSll2));
            writer.Simple(TestPackets.Frame(ip[3], LinkType.Ethernet));
            writer.Section(); // a new section forgets the interfaces
            writer.Interface(LinkType.Ipv4, tsResolution: 3);   // ms
            writer.Enhanced(0, 1_764_000_001_000UL, ip[4]);
            file = new MemoryStream(file.ToArray());
        }

        using var reader = CaptureReader.Open(file);
        (LinkType Link, int Interface, long Ns, byte[] Ip)[] expected =
        [
            (LinkType.Ethernet, 0, 1_764_000_000_000_001_000L, ip[0]),
            (LinkType.Raw, 1, 1_764_000_000_000_000_007L, ip[1]),
            (LinkType.LinuxSll2, 2, 1_764_000_000_500_000_000L, ip[2]),
            (LinkType.Ethernet, 0, 1_764_000_000_500_000_000L, ip[3]), // SPB: time of the frame before
            (LinkType.Ipv4, 0, 1_764_000_001_000_000_000L, ip[4]),
        ];
        Span<byte> a = stackalloc byte[PacketInvariant.MaxLength];
        Span<byte> b = stackalloc byte[PacketInvariant.MaxLength];
        foreach (var e in expected)
        {
            Assert.True(reader.TryRead(out var packet));
            Assert.Equal(e.Link, packet.LinkType);
            Assert.Equal(e.Interface, packet.InterfaceId);
            Assert.Equal(e.Ns, packet.TimestampNs);
            int length = DigestScheme.Xxh3.KeyFromFrame(packet.Data, packet.LinkType, a);
            Assert.True(length > 0 && a[..length].SequenceEqual(b[..PacketInvariant.FromIp(e.Ip, b)]));
        }
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void A_truncated_pcap_reports_the_offset_of_the_damage_after_the_good_packets()
    {
        var frames = Enumerable.Range(0, 5).Select(i => TestPackets.Frame(TestPackets.Udp4(i), LinkType.Ethernet)).ToList();
        var bytes = Pcap(frames, [.. Enumerable.Range(0, 5).Select(i => T0 + i)], false, false);
        long fifth = 24 + 4L * (16 + frames[0].Length);
        using var reader = CaptureReader.Open(new MemoryStream(bytes[..(int)(fifth + 16 + 10)]));
        for (int i = 0; i < 4; i++)
        {
            Assert.True(reader.TryRead(out _));
        }
        var e = Assert.Throws<CaptureFormatException>(() => reader.TryRead(out _));
        Assert.Equal(fifth, e.Offset);
        Assert.Contains($"offset {fifth}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pcap_record_with_an_absurd_length_is_damage_not_a_huge_allocation()
    {
        var frames = new List<byte[]> { TestPackets.Frame(TestPackets.Udp4(1), LinkType.Ethernet) };
        var bytes = Pcap(frames, [T0], false, false);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24 + 8), 0x7FFF_FFFF);
        using var reader = CaptureReader.Open(new MemoryStream(bytes));
        var e = Assert.Throws<CaptureFormatException>(() => reader.TryRead(out _));
        Assert.Equal(24, e.Offset);
    }

    [Fact]
    public void A_damaged_pcapng_block_reports_its_offset()
    {
        var file = new MemoryStream();
        using (var writer = new PcapNgTestWriter(file))
        {
            writer.Section();
            writer.Interface(LinkType.Raw);
            writer.Enhanced(0, 1, TestPackets.Udp4(1));
            writer.Enhanced(0, 2, TestPackets.Udp4(2));
        }
        var bytes = file.ToArray();
        int secondEpb = bytes.Length - (32 + TestPackets.Udp4(2).Length + 3) / 4 * 4;
        bytes[^1] ^= 0xFF; // the trailing length of the last block no longer matches
        using var reader = CaptureReader.Open(new MemoryStream(bytes));
        Assert.True(reader.TryRead(out _));
        var e = Assert.Throws<CaptureFormatException>(() => reader.TryRead(out _));
        Assert.Equal(secondEpb, e.Offset);
    }

    [Fact]
    public void A_file_that_is_no_capture_is_refused_at_offset_0()
    {
        var e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Open(new MemoryStream("hello, world, this is text"u8.ToArray())));
        Assert.Equal(0, e.Offset);
    }

    internal static byte[] Pcap(IReadOnlyList<byte[]> frames, long[] timesNs, bool bigEndian, bool nanoseconds)
    {
        var bytes = new List<byte>();
        void U32(uint v)
        {
            var s = new byte[4];
            if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(s, v); else BinaryPrimitives.WriteUInt32LittleEndian(s, v);
            bytes.AddRange(s);
        }
        U32(nanoseconds ? 0xA1B23C4D : 0xA1B2C3D4);
        U32(bigEndian ? 0x0002_0004u : 0x0004_0002u); // version 2.4 as two 16-bit fields
        U32(0); U32(0); U32(65535); U32((uint)LinkType.Ethernet);
        for (int i = 0; i < frames.Count; i++)
        {
            U32((uint)(timesNs[i] / 1_000_000_000));
            U32((uint)(nanoseconds ? timesNs[i] % 1_000_000_000 : timesNs[i] % 1_000_000_000 / 1000));
            U32((uint)frames[i].Length); U32((uint)frames[i].Length);
            bytes.AddRange(frames[i]);
        }
        return [.. bytes];
    }
}
