using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using InterTrack.Packets.Capture;

namespace InterTrack.Lab;

/// <summary>
/// The attacker: sends forged-source UDP and TCP SYN packets from inside a host namespace through
/// a raw IPv4 socket (the IP header is ours, so is the source address). Sources are drawn from
/// 198.18.0.0/15 (RFC 2544's benchmarking range: routed nowhere, and not a martian the routers drop).
/// </summary>
internal static partial class ForgedSender
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>
    /// Sends <paramref name="packets"/> packets to <paramref name="victim"/> at <paramref name="rate"/> per second from
    /// namespace <paramref name="ns"/>.
    /// </summary>
    /// <returns>How many the kernel took, and the last packet sent.</returns>
    public static (int Sent, byte[] Last) Send(string ns, IPAddress victim, int packets, double rate, int seed)
    {
        using var socket = OpenIn(ns);
        var random = new Random(seed);
        uint destination = BinaryPrimitives.ReadUInt32BigEndian(victim.GetAddressBytes());
        var endPoint = new IPEndPoint(victim, 0);
        var started = DateTime.UtcNow;
        int sent = 0;
        byte[] packet = [];
        for (int i = 0; i < packets; i++)
        {
            var due = started + TimeSpan.FromSeconds(i / rate);
            if (due > DateTime.UtcNow)
            {
                Thread.Sleep(due - DateTime.UtcNow);
            }
            uint source = 0xC6120000u | (uint)random.Next(0x20000); // 198.18.0.0/15
            ushort sourcePort = (ushort)random.Next(1024, 65536), id = (ushort)random.Next(1, 65536);
            packet = i % 2 == 1
                ? Ipv4Packets.TcpSyn(source, destination, sourcePort, 80, id, (uint)random.Next())
                : Ipv4Packets.Udp(source, destination, sourcePort, 53, id, []);
            sent += socket.SendTo(packet, SocketFlags.None, endPoint) == packet.Length ? 1 : 0;
        }
        return (sent, packet);
    }

    /// <summary>
    /// A raw socket that belongs to namespace <paramref name="ns"/>: made on a thread of its own that
    /// first joins the namespace (setns moves only the calling thread), then ends.
    /// </summary>
    private static Socket OpenIn(string ns)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{ns}");
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new LabException($"cannot enter namespace {ns}: errno {Marshal.GetLastPInvokeError()}");
                }
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw); // IPPROTO_RAW: we write the IP header
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or SocketException or LabException)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new LabException($"cannot send from {ns}: {failure?.Message}", failure);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
