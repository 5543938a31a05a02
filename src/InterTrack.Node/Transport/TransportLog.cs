using System.Net;
using InterTrack.Node.Telemetry;
using Microsoft.Extensions.Logging;

namespace InterTrack.Node.Transport;

internal static partial class TransportLog
{
    [LoggerMessage(LogEvents.Listening, LogLevel.Information, "Listening on {EndPoint} ({Security})")]
    public static partial void Listening(ILogger logger, EndPoint endPoint, string security);

    [LoggerMessage(LogEvents.PeerRefused, LogLevel.Warning, "Refused peer {EndPoint}: {Reason}")]
    public static partial void PeerRefused(ILogger logger, EndPoint? endPoint, string reason);

    [LoggerMessage(LogEvents.BadMessage, LogLevel.Warning, "Bad message from {Peer}: {Reason}")]
    public static partial void BadMessage(ILogger logger, string peer, string reason);

    [LoggerMessage(LogEvents.Closed, LogLevel.Information, "Closed {Peer}: {Reason}")]
    public static partial void Closed(ILogger logger, string peer, string reason);

    [LoggerMessage(LogEvents.TooManyConnections, LogLevel.Warning, "Too many connections; dropped {EndPoint}")]
    public static partial void TooManyConnections(ILogger logger, EndPoint? endPoint);

    [LoggerMessage(LogEvents.HandlerFailed, LogLevel.Error, "Handler failed for a message from {Peer}")]
    public static partial void HandlerFailed(ILogger logger, string peer, Exception exception);

    [LoggerMessage(LogEvents.HandshakesPending, LogLevel.Warning,
        "Refused a connection from {Source}: too many handshakes pending ({FromSource} from it, {Pending} in all); {Refused} refused from it so far")]
    public static partial void TooManyPending(ILogger logger, IPAddress source, int fromSource, int pending, long refused);
}
