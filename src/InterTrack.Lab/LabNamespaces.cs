namespace InterTrack.Lab;

/// <summary>
/// The lab's network namespaces. Everything the lab runs lives in one of them (routers, daemons,
/// exporters, captures), and every veth has both ends in them, so removing the namespaces of a lab
/// id, after stopping the processes inside, removes the whole lab, also after a crash.
/// </summary>
internal static class LabNamespaces
{
    public static IReadOnlyList<string> OfLab(string id)
    {
        var (code, output, _) = Shell.TryRun("ip", "netns", "list");
        return code != 0 ? [] : [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')[0])
            .Where(n => n.StartsWith($"{id}-as", StringComparison.Ordinal))];
    }

    public static IReadOnlyList<int> Processes(string ns)
    {
        var (code, output, _) = Shell.TryRun("ip", "netns", "pids", ns);
        return code != 0 ? [] : [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
    }

    public static void Add(string ns)
    {
        Shell.Run("ip", "netns", "add", ns);
        Shell.Run("ip", "-n", ns, "link", "set", "lo", "up");
        // A router of the lab forwards, does no ingress filtering (forged sources pass, as on the
        // Internet), and speaks IPv4 only, so the captures hold no IPv6 chatter.
        Shell.InNamespace(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
            "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
    }

    /// <summary>Stops every process in the lab's namespaces (TERM, then KILL after 5 s) and deletes the namespaces.</summary>
    /// <returns>How many namespaces and processes there were.</returns>
    public static (int Namespaces, int Processes) Remove(string id)
    {
        var namespaces = OfLab(id);
        var pids = namespaces.SelectMany(Processes).Distinct().ToList();
        Signal(pids, "TERM");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (pids.Any(Alive) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }
        Signal([.. pids.Where(Alive)], "KILL");
        foreach (var ns in namespaces)
        {
            Shell.TryRun("ip", "netns", "del", ns);
        }
        return (namespaces.Count, pids.Count);
    }

    public static void Signal(IReadOnlyList<int> pids, string signal)
    {
        if (pids.Count > 0)
        {
            Shell.TryRun("kill", [$"-{signal}", .. pids.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");
}
