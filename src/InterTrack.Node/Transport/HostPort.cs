using System.Globalization;

namespace InterTrack.Transport;

/// <summary>"HOST:PORT" as configurations and the command line write it (an IPv6 host may be in brackets).</summary>
public static class HostPort
{
    public static bool TryParse(string text, out string host, out int port)
    {
        int colon = text.LastIndexOf(':');
        host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        port = 0;
        return colon > 0 && host.Length > 0
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;
    }
}
