using InterTrack.Node.Telemetry;
using Microsoft.Extensions.Logging;

namespace InterTrack.LinkTesting;

internal static partial class LinkTestLog
{
    [LoggerMessage(LogEvents.LinkTestCounting, LogLevel.Information, "linktest: counting attack signatures on router {Router} (window {WindowSeconds} s)")]
    public static partial void Counting(this ILogger logger, string router, double windowSeconds);

    [LoggerMessage(LogEvents.LinkTestCannotRead, LogLevel.Warning, "linktest: cannot read the counters of router {Router}: {Reason}")]
    public static partial void CannotRead(this ILogger logger, string router, string reason);

    [LoggerMessage(LogEvents.LinkTestCannotRemove, LogLevel.Warning, "linktest: cannot remove the counters from router {Router}: {Reason}")]
    public static partial void CannotRemove(this ILogger logger, string router, string reason);
}
