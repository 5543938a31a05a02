using System.Net.NetworkInformation;
using InterTrack.Digest;
using InterTrack.Node.Tracing;

namespace InterTrack.Tests.Digest;

public class FrameLinkSelectorTests
{
    private static readonly byte[] Own = [0x02, 0, 0, 0, 0, 1];
    private static readonly byte[] Peer = [0x02, 0, 0, 0, 0, 2];
    private static readonly byte[] IxpLocal = [0x02, 0, 0, 0, 0, 0x10];
    private static readonly byte[] IxpRemote = [0x02, 0, 0, 0, 0, 0x20];

    private static byte[] Frame(byte[] destination, byte[] source) => [.. destination, .. source, 0x08, 0x00];

    [Fact]
    public void Frames_are_split_by_direction_and_mac_pair_links_win()
    {
        var selector = new FrameLinkSelector("eth0", Own,
        [
            new BorderLink("ixp-as65010:in", 65010, BorderDirection.In) { LocalMac = new PhysicalAddress(IxpLocal),
                RemoteMac = new PhysicalAddress(IxpRemote) },
            new BorderLink("ixp-as65010:out", 65010, BorderDirection.Out) { LocalMac = new PhysicalAddress(IxpLocal),
            RemoteMac = new PhysicalAddress(IxpRemote) },
        ]);
        Assert.Equal("eth0:out", selector.Select(Frame(Peer, Own)));
        Assert.Equal("eth0:in", selector.Select(Frame(Own, Peer)));
        Assert.Equal("ixp-as65010:in", selector.Select(Frame(IxpLocal, IxpRemote)));
        Assert.Equal("ixp-as65010:out", selector.Select(Frame(IxpRemote, IxpLocal)));
        Assert.Equal("eth0:in", selector.Select(Frame(IxpLocal, Peer))); // another station on the LAN
    }
}
