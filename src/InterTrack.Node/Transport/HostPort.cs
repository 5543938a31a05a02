using System.Globalization;
using System.Net;

namespace InterTrack.Node.Transport;

/// <summary>"HOST:PORT" as configurations and the command line write it (an IPv6 host may be in brackets).</summary>
public static class HostPort
{
    public static bool TryParse(string text, out string host, out int port) => TryParse(text, out host, out port, anyPort: false);

    /// <param name="anyPort">Port 0 ("any free port", for listeners) is allowed.</param>
    public static bool TryParse(string text, out string host, out int port, bool anyPort)
    {
        int colon = text.LastIndexOf(':');
        host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        port = 0;
        return colon > 0 && host.Length > 0
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and < 65536
            && (anyPort || port > 0);
    }

    /// <summary>An address to bind: "IP:PORT" or "localhost:PORT" (the IPv4 loopback); port 0 picks a free one.</summary>
    public static bool TryParseEndPoint(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (!TryParse(text, out string host, out int port, anyPort: true))
        {
            return false;
        }
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var parsed) ? parsed : null;
        endpoint = address is null ? null : new IPEndPoint(address, port);
        return endpoint is not null;
    }

    /// <exception cref="FormatException">Not an address to bind (see <see cref="TryParseEndPoint"/>).</exception>
    public static IPEndPoint ToEndPoint(string text) =>
        TryParseEndPoint(text, out var endpoint) ? endpoint : throw new FormatException($"'{text}' is not IP:PORT");
}
