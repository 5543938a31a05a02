using InterTrack.Node;
using InterTrack.Tests.Flow;

namespace InterTrack.Tests.Managers;

/// <summary>Work a handler leaves running is waited for at shutdown, and its failures are logged, not lost.</summary>
public sealed class BackgroundWorkTests
{
    [Fact]
    public async Task Stopping_waits_for_running_work_and_a_failure_is_logged()
    {
        var logger = new ListLogger();
        var work = new BackgroundWork(logger);
        var release = new TaskCompletionSource();
        bool finished = false;
        work.Run("a slow answer", async () =>
        {
            await release.Task;
            finished = true;
        });
        work.Run("a broken answer", () => throw new InvalidOperationException("the database is gone"));

        Assert.Equal(1, await work.WhenIdleAsync(TimeSpan.FromMilliseconds(200))); // the slow one is still running
        Assert.False(finished);
        release.SetResult();
        Assert.Equal(0, await work.WhenIdleAsync(TimeSpan.FromSeconds(30)));
        Assert.True(finished);
        Assert.Contains(logger.Lines, l => l.Contains("Background work failed: a broken answer", StringComparison.Ordinal));
    }
}
