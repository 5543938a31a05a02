using Microsoft.Extensions.Logging;

namespace InterTrack.LinkTesting;

internal static partial class LinkTestLog
{
    [LoggerMessage(900, LogLevel.Information, "linktest: counting attack signatures on router {Router} (window {WindowSeconds} s)")]
    public static partial void Counting(this ILogger logger, string router, double windowSeconds);

    [LoggerMessage(901, LogLevel.Warning, "linktest: cannot read the counters of router {Router}: {Reason}")]
    public static partial void CannotRead(this ILogger logger, string router, string reason);

    [LoggerMessage(902, LogLevel.Warning, "linktest: cannot remove the counters from router {Router}: {Reason}")]
    public static partial void CannotRemove(this ILogger logger, string router, string reason);
}
