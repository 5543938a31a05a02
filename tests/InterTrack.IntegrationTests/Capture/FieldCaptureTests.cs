using System.Buffers.Binary;
using InterTrack.Digest;
using InterTrack.IntegrationTests.Flow;
using InterTrack.Packets.Capture;

namespace InterTrack.IntegrationTests.Capture;

/// <summary>A capture from the field (dpkt's, from Debian's python3-dpkt): every IP packet in it, PPPoE-wrapped or bare, is digested.</summary>
public sealed class FieldCaptureTests
{
    [SkippableFact]
    public void Every_ip_packet_of_a_pppoe_capture_from_the_field_is_digested()
    {
        string path = Path.Combine(ThirdPartyExporters.DpktData, "nb6-http.pcap");
        Skip.IfNot(File.Exists(path), $"{path} is missing (Debian's python3-dpkt; scripts/test.sh installs it)");
        using var reader = CaptureReader.Open(path);
        int frames = 0, pppoe = 0, digested = 0, arp = 0;
        Span<byte> invariant = stackalloc byte[PacketInvariant.MaxLength];
        while (reader.TryRead(out var packet))
        {
            frames++;
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(packet.Data[12..]);
            pppoe += type == 0x8864 ? 1 : 0;
            arp += type == 0x0806 ? 1 : 0;
            digested += DigestScheme.Xxh3.KeyFromFrame(packet.Data, packet.LinkType, invariant) > 0 ? 1 : 0;
        }
        Assert.Equal(62, frames);
        Assert.Equal(46, pppoe);
        Assert.Equal(frames - arp, digested); // everything but ARP, 46 of it inside PPPoE
    }
}
