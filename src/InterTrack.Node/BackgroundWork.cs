using System.Collections.Concurrent;
using InterTrack.Node.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Node;

/// <summary>
/// Work a handler starts and does not await (a trace answered later while the connection goes on
/// receiving). It is tracked, so a node stopping waits for it before it frees what the work uses
/// (the D Point's database, native digest pages), and a failure is logged, never left unobserved.
/// </summary>
public sealed partial class BackgroundWork(ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private long _next;

    /// <summary>Work running now.</summary>
    public int Running => _running.Count;

    public void Run(string what, Func<Task> work)
    {
        long id = Interlocked.Increment(ref _next);
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[id] = Task.Run(async () =>
        {
            await registered.Task.ConfigureAwait(false); // in the table before it can leave it
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Failed(_logger, what, e);
            }
            finally
            {
                _running.TryRemove(id, out _);
            }
        }, CancellationToken.None);
        registered.SetResult();
    }

    /// <summary>Waits until no work runs, or <paramref name="limit"/> passed; returns how many are still running.</summary>
    public async Task<int> WhenIdleAsync(TimeSpan limit)
    {
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // reported by the count
        }
        return _running.Count;
    }

    [LoggerMessage(LogEvents.BackgroundWorkFailed, LogLevel.Error, "Background work failed: {What}")]
    private static partial void Failed(ILogger logger, string what, Exception exception);
}
