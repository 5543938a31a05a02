using System.Net;
using System.Net.Sockets;

namespace InterTrack.Tests;

/// <summary>
/// A loopback port free now, for a program the test starts that must be told its port. Another
/// connection may take it before that program binds it: tests that start one retry on a refusal.
/// </summary>
internal static class FreePort
{
    public static int Pick()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
