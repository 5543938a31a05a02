using System.Text;

namespace InterTrack.Packets.Reflection;

/// <summary>
/// SSDP (UPnP Device Architecture 1.1, section 1.3): a search is an HTTP-over-UDP "M-SEARCH" request, the answers are
/// "HTTP/1.1 200 OK" responses. Nothing in an answer names the search it answers (its ST may name a service, not what
/// was searched), so only addresses, ports and time tie them: the identity is empty.
/// </summary>
internal static class SsdpIdentity
{
    private static readonly byte[] Search = Encoding.ASCII.GetBytes("M-SEARCH * HTTP/1.");
    private static readonly byte[] Answer = Encoding.ASCII.GetBytes("HTTP/1.");

    public static byte[]? Read(ReadOnlySpan<byte> payload, bool response) =>
        payload.StartsWith(response ? Answer : Search) ? [] : null;
}
