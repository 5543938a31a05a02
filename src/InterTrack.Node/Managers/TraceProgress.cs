using System.Collections.Concurrent;

namespace InterTrack.Node.Managers;

/// <summary>
/// What an ITM has done so far for the traces of its own D Point — border asked, neighbours asked,
/// their answers — so the operator's page can show a trace's progress while it runs. A trace's
/// steps are forgotten when the ITM is done with it, answered or not (<see cref="Track"/>).
/// </summary>
public sealed class TraceProgress
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(DateTimeOffset At, string Step)>> _steps = new();

    /// <summary>Adds a step to a tracked trace (others are not kept).</summary>
    internal void Record(string messageId, DateTimeOffset at, string step)
    {
        if (_steps.TryGetValue(messageId, out var steps))
        {
            steps.Enqueue((at, step));
        }
    }

    /// <summary>Starts keeping a trace's steps, until the returned handle is disposed.</summary>
    internal IDisposable Track(string messageId)
    {
        _steps.TryAdd(messageId, new());
        return new Forget(() => _steps.TryRemove(messageId, out _));
    }

    private sealed class Forget(Action forget) : IDisposable
    {
        public void Dispose() => forget();
    }

    /// <summary>The steps of a running trace, oldest first (none when it is not running here).</summary>
    public IReadOnlyList<(DateTimeOffset At, string Step)> Of(string messageId) =>
        _steps.TryGetValue(messageId, out var steps) ? [.. steps] : [];
}
