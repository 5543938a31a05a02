using System.Net;
using System.Net.Sockets;

namespace InterTrack.Flow;

/// <summary>The sender of a datagram from its sockaddr: the one before is kept, as exports come from few senders.</summary>
internal sealed class Senders(AddressFamily family)
{
    private readonly IPEndPoint _template = new(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
    private byte[] _last = [];
    private IPEndPoint? _endpoint;

    public IPEndPoint Of(ReadOnlySpan<byte> sockaddr)
    {
        if (_endpoint is null || !sockaddr.SequenceEqual(_last))
        {
            var address = new SocketAddress(family, sockaddr.Length);
            sockaddr.CopyTo(address.Buffer.Span);
            var endpoint = (IPEndPoint)_template.Create(address);
            _endpoint = new IPEndPoint(FlowCollector.Unmapped(endpoint.Address), endpoint.Port);
            _last = sockaddr.ToArray();
        }
        return _endpoint;
    }
}
