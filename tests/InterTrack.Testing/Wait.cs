using System.Diagnostics;

namespace InterTrack.Testing;

internal static class Wait
{
    /// <summary>Waits for a condition another thread or process brings about, for at most 20 s.</summary>
    public static void Until(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"waited 20 s for {what}");
            }
            Thread.Sleep(20);
        }
    }
}
