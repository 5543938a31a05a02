using System.Runtime.InteropServices;

namespace InterTrack.Flow;

/// <summary>
/// Lowers the calling thread's scheduling priority (Linux: its nice value; .NET's thread priorities do nothing there),
/// so that on busy cores a thread that must answer at once (the collector's receiving) runs before it. Allowed to any
/// user; elsewhere, or when refused, nothing changes.
/// </summary>
internal static partial class LowPriority
{
    private const int Nice = 10, ProcessOrThread = 0; // PRIO_PROCESS with who 0: on Linux, the calling thread

    public static void ForThisThread()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SetPriority(ProcessOrThread, 0, Nice); // advice only: the collector works the same without it
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, uint who, int priority);
}
