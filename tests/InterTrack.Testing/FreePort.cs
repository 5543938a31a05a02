using System.Net;
using System.Net.Sockets;

namespace InterTrack.Testing;

/// <summary>
/// A loopback port free now for TCP and UDP, for a program the test starts that must be told its
/// port. It is drawn below the kernel's ephemeral range: a port the kernel picked would go back to
/// its pool when released, and the next listener bound to port 0 or outgoing connection (of the
/// program itself, which may open dozens) could get it before the program binds it. Below that
/// range only a program binding that very port can take it.
/// </summary>
internal static class FreePort
{
    private const int Lowest = 10_000;

    public static int Pick()
    {
        int end = EphemeralStart();
        for (int tries = 0; tries < 1000; tries++)
        {
            int port = end > Lowest ? Random.Shared.Next(Lowest, end) : 0; // 0: no room below the range, let the kernel pick
            if (Bindable(port, SocketType.Stream, ProtocolType.Tcp) is int tcp && Bindable(tcp, SocketType.Dgram, ProtocolType.Udp) is not null)
            {
                return tcp;
            }
        }
        throw new InvalidOperationException("no free loopback port in 1,000 tries");
    }

    /// <summary>The port bound (the kernel's choice for 0), or null when it is taken.</summary>
    private static int? Bindable(int port, SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return ((IPEndPoint)socket.LocalEndPoint!).Port;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static int EphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 32_768; // Linux's default
        }
    }
}
