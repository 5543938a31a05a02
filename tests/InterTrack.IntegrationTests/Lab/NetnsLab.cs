using System.Text.Json;
using InterTrack.Lab;

namespace InterTrack.IntegrationTests.Lab;

/// <summary>
/// Linux network namespaces and veth pairs made by a test, and removed when it ends, also when it
/// fails: every namespace and root-side interface is named with this lab's unique tag. Needs root.
/// </summary>
internal sealed class NetnsLab : IDisposable
{
    private readonly List<string> _namespaces = [];
    private readonly List<string> _rootLinks = [];

    /// <summary>A short tag unique to this lab (interface names are limited to 15 characters).</summary>
    public string Tag { get; } = $"{Environment.ProcessId % 10000:x}{Random.Shared.Next(0x1000):x3}";

    public string AddNamespace(string role)
    {
        string name = $"it-{role}-{Tag}";
        Ip("netns", "add", name);
        _namespaces.Add(name);
        Ip("-n", name, "link", "set", "lo", "up");
        return name;
    }

    /// <summary>A veth pair; a null namespace leaves that end in the root namespace (without addresses, so it routes nothing).</summary>
    public void AddVeth(string nameA, string? nsA, string nameB, string? nsB)
    {
        Ip("link", "add", nameA, "type", "veth", "peer", "name", nameB);
        if (nsA is null) _rootLinks.Add(nameA);
        if (nsB is null) _rootLinks.Add(nameB);
        foreach (var (name, ns) in new[] { (nameA, nsA), (nameB, nsB) })
        {
            if (ns is not null)
            {
                Ip("link", "set", name, "netns", ns);
                Ip("-n", ns, "link", "set", name, "up");
            }
            else
            {
                Shell.Run("sysctl", "-qw", $"net.ipv6.conf.{name}.disable_ipv6=1"); // keep the root end silent
                Ip("link", "set", name, "up");
            }
        }
    }

    public static void Ip(params string[] args) => Shell.Run("ip", args);

    public static string MacOf(string? ns, string link)
    {
        string json = ns is null ? Shell.Run("ip", "-j", "link", "show", link) : Shell.Run("ip", "-n", ns, "-j", "link", "show", link);
        return JsonDocument.Parse(json).RootElement[0].GetProperty("address").GetString()!;
    }

    public static string Exec(string ns, params string[] args) => Shell.InNamespace(ns, args[0], args[1..]);

    public void Dispose()
    {
        foreach (var link in _rootLinks)
        {
            Shell.TryRun("ip", "link", "del", link); // removes its peer too; fine if the peer's namespace took it already
        }
        foreach (var ns in _namespaces)
        {
            Shell.TryRun("ip", "netns", "del", ns);
        }
    }
}
