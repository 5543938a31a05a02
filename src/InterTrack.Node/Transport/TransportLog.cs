using System.Net;
using Microsoft.Extensions.Logging;

namespace InterTrack.Transport;

internal static partial class TransportLog
{
    [LoggerMessage(1, LogLevel.Information, "Listening on {EndPoint} ({Security})")]
    public static partial void Listening(ILogger logger, EndPoint endPoint, string security);

    [LoggerMessage(2, LogLevel.Warning, "Refused peer {EndPoint}: {Reason}")]
    public static partial void PeerRefused(ILogger logger, EndPoint? endPoint, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Bad message from {Peer}: {Reason}")]
    public static partial void BadMessage(ILogger logger, string peer, string reason);

    [LoggerMessage(4, LogLevel.Information, "Closed {Peer}: {Reason}")]
    public static partial void Closed(ILogger logger, string peer, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Too many connections; dropped {EndPoint}")]
    public static partial void TooManyConnections(ILogger logger, EndPoint? endPoint);

    [LoggerMessage(6, LogLevel.Error, "Handler failed for a message from {Peer}")]
    public static partial void HandlerFailed(ILogger logger, string peer, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "Refused a connection from {Source}: too many handshakes pending ({FromSource} from it, {Pending} in all); {Refused} refused from it so far")]
    public static partial void TooManyPending(ILogger logger, IPAddress source, int fromSource, int pending, long refused);
}
