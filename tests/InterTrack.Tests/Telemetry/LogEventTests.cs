using System.Reflection;
using InterTrack.Node.Telemetry;
using Microsoft.Extensions.Logging;

namespace InterTrack.Tests.Telemetry;

public class LogEventTests
{
    [Fact]
    public void Every_log_message_has_an_event_id_of_its_own_from_the_table()
    {
        var table = typeof(LogEvents).GetFields().ToDictionary(f => (int)f.GetRawConstantValue()!, f => f.Name);
        var messages = Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => Path.GetFileName(f).StartsWith("InterTrack.", StringComparison.Ordinal) || Path.GetFileName(f) == "intertrack.dll")
            .Where(f => !Path.GetFileName(f).StartsWith("InterTrack.Tests", StringComparison.Ordinal))
            .Select(Assembly.LoadFrom)
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.True(messages.Count >= table.Count, $"only {messages.Count} log messages found");
        Assert.All(messages, m => Assert.True(table.ContainsKey(m.Attribute!.EventId), $"{m.Method}: event id {m.Attribute!.EventId} is not in LogEvents"));
        var shared = messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: " +
            $"{string.Join(", ", g.Select(m => m.Method))}");
        Assert.Empty(shared);
    }
}
