using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace InterTrack.Lab;

/// <summary>Builds the lab's network: namespaces, veth links, addresses, and BGP with one BIRD per router.</summary>
internal static class LabNetwork
{
    public static void Build(LabPlan plan)
    {
        foreach (var ns in plan.Namespaces)
        {
            LabNamespaces.Add(ns);
        }
        foreach (var labAs in plan.Ases)
        {
            foreach (var router in labAs.Routers)
            {
                Shell.Run("ip", "-n", router.Namespace, "addr", "add", $"{router.Loopback}/32", "dev", "lo");
                foreach (var i in router.Interfaces)
                {
                    // Each veth pair is made once, from the end whose name sorts first.
                    var (peerNs, peerName) = i.ToHost ? (labAs.HostNamespace, "eth0") : FarEnd(plan, i);
                    if (i.ToHost || string.CompareOrdinal(router.Namespace, peerNs) < 0)
                    {
                        Shell.Run("ip", "-n", router.Namespace, "link", "add", i.Name, "type", "veth", "peer", "name", peerName, "netns", peerNs);
                    }
                    Shell.Run("ip", "-n", router.Namespace, "addr", "add", i.Address, "dev", i.Name);
                    Shell.Run("ip", "-n", router.Namespace, "link", "set", i.Name, "up");
                }
            }
            Shell.Run("ip", "-n", labAs.HostNamespace, "addr", "add", $"{labAs.HostAddress}/24", "dev", "eth0");
            Shell.Run("ip", "-n", labAs.HostNamespace, "link", "set", "eth0", "up");
            Shell.Run("ip", "-n", labAs.HostNamespace, "route", "add", "default", "via", $"10.{labAs.Index}.1.1");
        }
    }

    /// <summary>The namespace and interface name at the other end of a link between routers: the interface holding our peer address.</summary>
    private static (string Namespace, string Interface) FarEnd(LabPlan plan, LabInterface local)
    {
        var (router, far) = plan.Ases.SelectMany(a => a.Routers).SelectMany(r => r.Interfaces.Select(i => (r, i)))
            .First(p => p.i.Address.StartsWith(local.PeerAddress + "/", StringComparison.Ordinal));
        return (router.Namespace, far.Name);
    }

    public static string BirdSocket(LabPlan plan, LabAs labAs, LabRouter router) => Path.Combine(plan.AsDirectory(labAs.Number), $"bird-{router.Name}.ctl");

    public static void StartBgp(LabPlan plan)
    {
        foreach (var labAs in plan.Ases)
        {
            string dir = plan.AsDirectory(labAs.Number);
            foreach (var router in labAs.Routers)
            {
                string conf = Path.Combine(dir, $"bird-{router.Name}.conf");
                File.WriteAllText(conf, BirdConfig.For(labAs, router, Path.Combine(dir, "logs", $"bird-{router.Name}.log")));
                Shell.InNamespace(router.Namespace, "bird", "-c", conf, "-s", BirdSocket(plan, labAs, router), "-P",
                    Path.Combine(dir, $"bird-{router.Name}.pid"));
            }
        }
    }

    /// <summary>
    /// Waits until BGP has converged: every BGP session is established and every router has a
    /// route to the victim's host. Returns the seconds it took.
    /// </summary>
    public static double WaitForBgp(LabPlan plan, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        string victim = plan.VictimAs.HostAddress;
        var routers = plan.Ases.SelectMany(a => a.Routers.Select(r => (a, r))).ToList();
        while (true)
        {
            var waiting = routers.Where(p => !Established(plan, p.a, p.r) || !Routes(p.r.Namespace, victim)).ToList();
            if (waiting.Count == 0)
            {
                return clock.Elapsed.TotalSeconds;
            }
            if (clock.Elapsed > limit)
            {
                throw new LabException($"BGP did not converge in {limit.TotalSeconds:0} s: no session or no route to the victim {victim} at "
                    + string.Join(", ", waiting.Select(p => $"AS{p.a.Number} {p.r.Name}")) + $" (see {plan.Directory}/as*/logs/bird-*.log)");
            }
            Thread.Sleep(250);
        }
    }

    private static bool Established(LabPlan plan, LabAs labAs, LabRouter router)
    {
        var (code, output, _) = Shell.TryRun("birdc", "-s", BirdSocket(plan, labAs, router), "show", "protocols");
        int sessions = router.Interfaces.Count(i => i.NeighborAs is not null || i.PeerRouter is not null);
        return code == 0 && output.Split('\n').Count(l => l.Contains(" BGP ", StringComparison.Ordinal)
            && l.Contains("Established", StringComparison.Ordinal)) == sessions;
    }

    private static bool Routes(string ns, string address)
    {
        var (code, output, _) = Shell.TryRun("ip", "-n", ns, "-j", "route", "get", address);
        if (code != 0)
        {
            return false;
        }
        using var json = JsonDocument.Parse(output);
        return json.RootElement.EnumerateArray().All(r => !r.TryGetProperty("type", out var type)
            || type.GetString() is not ("blackhole" or "unreachable" or "prohibit"));
    }

    /// <summary>The AS path BGP chose at an AS's first router towards an address ("65003 65001"), or null.</summary>
    public static string? AsPath(LabPlan plan, LabAs labAs, string address)
    {
        var router = labAs.HostRouter;
        var (code, output, _) = Shell.TryRun("birdc", "-s", BirdSocket(plan, labAs, router), "show", "route", "for", address, "all");
        if (code != 0)
        {
            return null;
        }
        string? line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("BGP.as_path:", StringComparison.Ordinal));
        return line is null ? null : $"{labAs.Number.ToString(CultureInfo.InvariantCulture)} {line["BGP.as_path:".Length..].Trim()}".Trim();
    }

    /// <summary>The kernel's interface indexes in a namespace, by name.</summary>
    public static Dictionary<string, int> InterfaceIndexes(string ns)
    {
        using var json = JsonDocument.Parse(Shell.Run("ip", "-n", ns, "-j", "link", "show"));
        return json.RootElement.EnumerateArray().ToDictionary(l => l.GetProperty("ifname").GetString()!, l => l.GetProperty("ifindex").GetInt32());
    }
}
