using System.Collections.Concurrent;

namespace InterTrack.Managers;

/// <summary>
/// What an ITM has done so far for the traces of its own D Point — border asked, neighbours asked,
/// their answers — so the operator's page can show a trace's progress while it runs. A trace's
/// steps are forgotten when the ITM answers it.
/// </summary>
public sealed class TraceProgress
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(DateTimeOffset At, string Step)>> _steps = new();

    internal void Record(string messageId, DateTimeOffset at, string step) =>
        _steps.GetOrAdd(messageId, _ => new()).Enqueue((at, step));

    internal void Forget(string messageId) => _steps.TryRemove(messageId, out _);

    /// <summary>The steps of a running trace, oldest first (none when it is not running here).</summary>
    public IReadOnlyList<(DateTimeOffset At, string Step)> Of(string messageId) =>
        _steps.TryGetValue(messageId, out var steps) ? [.. steps] : [];
}
