using System.Globalization;
using System.Net.Sockets;

namespace InterTrack.Flow;

/// <summary>
/// The kernel's count of datagrams it dropped for one UDP socket because its receive queue was
/// full (Linux: the <c>drops</c> column of /proc/net/udp and udp6, on the socket's inode, found
/// from /proc/self/fd). Read now and then, off the receive path: SO_RXQ_OVFL would give the same
/// count, but only as ancillary data of each recvmsg, which .NET's receive calls do not hand out
/// (it would need a P/Invoke receive and parsing per datagram). Null where there is no /proc.
/// </summary>
internal sealed class UdpDrops
{
    private static readonly string[] Tables = ["/proc/net/udp", "/proc/net/udp6"];
    private readonly string _inode;

    private UdpDrops(string inode) => _inode = inode;

    /// <summary>The reader for the socket; null when the system does not tell.</summary>
    public static UdpDrops? For(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        try
        {
            // "socket:[INODE]"
            string? link = new FileInfo($"/proc/self/fd/{socket.SafeHandle.DangerousGetHandle()}").LinkTarget;
            return link is not null && link.StartsWith("socket:[", StringComparison.Ordinal) && link.EndsWith(']')
                ? new UdpDrops(link["socket:[".Length..^1])
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Datagrams dropped since the socket was opened; null when its line is not found (closed).</summary>
    public long? Read()
    {
        foreach (string table in Tables)
        {
            try
            {
                foreach (string line in File.ReadLines(table).Skip(1))
                {
                    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length >= 13 && fields[9] == _inode)
                    {
                        return long.Parse(fields[12], CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // no such table here (IPv6 off): the other one
            }
        }
        return null;
    }
}
