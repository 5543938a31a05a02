using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests;

internal static class FakeClock
{
    /// <summary>
    /// Moves the fake clock on by <paramref name="step"/> until <paramref name="task"/> ends or
    /// <paramref name="limit"/> has passed on it (the real wait between steps only lets sockets
    /// deliver); returns the fake time that passed. The task must then end within 30 s.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(this FakeTimeProvider time, Task task, TimeSpan step, TimeSpan limit)
    {
        var waited = TimeSpan.Zero;
        while (!task.IsCompleted && waited < limit)
        {
            time.Advance(step);
            waited += step;
            await Task.WhenAny(task, Task.Delay(20));
        }
        await task.WaitAsync(TimeSpan.FromSeconds(30));
        return waited;
    }
}
