using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace InterTrack.IntegrationTests.Flow;

/// <summary>Debian's softflowd (exporter) and nfcapd/nfdump (reference collector), run as a user would.</summary>
internal static class ThirdPartyExporters
{
    public const string DpktData = "/usr/share/doc/python3-dpkt/examples/data";

    /// <summary>softflowd replays a capture and exports its flows to 127.0.0.1:port (IPFIX for version 10, NetFlow v9 for 9), then exits.</summary>
    public static void Softflowd(string capture, int port, int version, string scratch)
    {
        // -a: flow times from the capture, not from the replay's clock; -6: IPv6 flows too.
        Run("softflowd", "-a", "-6", "-r", capture, "-n", $"127.0.0.1:{port}", "-v", version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-d", "-p", Path.Combine(scratch, "softflowd.pid"), "-c", "none"); // a control socket makes a replay wait for commands
    }

    /// <summary>The export datagrams softflowd sends for a capture, caught on a socket of our own.</summary>
    public static List<byte[]> SoftflowdDatagrams(string capture, int version, string scratch)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Softflowd(capture, ((IPEndPoint)socket.LocalEndPoint!).Port, version, scratch);
        var datagrams = new List<byte[]>();
        var buffer = new byte[65536];
        while (socket.Available > 0)
        {
            int n = socket.Receive(buffer);
            datagrams.Add(buffer[..n]);
        }
        return datagrams;
    }

    /// <summary>How many flow records nfcapd stores from these datagrams (nfdump -I "Flows:").</summary>
    public static long NfdumpFlows(IReadOnlyList<byte[]> datagrams, string scratch)
    {
        string store = Directory.CreateDirectory(Path.Combine(scratch, "nfcapd")).FullName;
        int port = FreeUdpPort();
        using var nfcapd = Process.Start(new ProcessStartInfo("nfcapd", ["-b", "127.0.0.1", "-p",
            port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", store])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        try
        {
            Wait.Until(() => UdpQueue(port) is not null, "nfcapd to bind its port");
            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            foreach (var datagram in datagrams)
            {
                sender.SendTo(datagram, new IPEndPoint(IPAddress.Loopback, port));
            }
            Wait.Until(() => UdpQueue(port) == 0, "nfcapd to read every datagram"); // then its loop has them; SIGTERM lets it finish
        }
        finally
        {
            Run("kill", "-TERM", nfcapd.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            nfcapd.WaitForExit(10_000);
        }
        string summary = Run("nfdump", "-R", store, "-I");
        var line = summary.Split('\n').First(l => l.StartsWith("Flows:", StringComparison.Ordinal));
        return long.Parse(line["Flows:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Bytes waiting in the receive queue of the UDP socket bound to the port on 127.0.0.1 (/proc/net/udp); null when none is bound.</summary>
    private static long? UdpQueue(int port)
    {
        string local = $"0100007F:{port:X4}";
        foreach (var line in File.ReadLines("/proc/net/udp").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f[1] == local)
            {
                return Convert.ToInt64(f[4].Split(':')[1], 16);
            }
        }
        return null;
    }

    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static string Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in 60 s");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {error.Result}");
        }
        return output.Result;
    }
}
