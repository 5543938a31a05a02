using Microsoft.Extensions.Logging;

namespace InterTrack.Cli;

/// <summary>The console logs of long-running commands: one line per event with a UTC timestamp, or JSON.</summary>
internal static class Logging
{
    public static ILoggerFactory Console(string format = "text") => LoggerFactory.Create(builder =>
    {
        if (format == "json")
        {
            builder.AddJsonConsole();
        }
        else
        {
            builder.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });
        }
    });
}
