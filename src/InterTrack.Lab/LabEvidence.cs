using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InterTrack.Node.Kinds;
using InterTrack.Node.Tracing;

namespace InterTrack.Lab;

/// <summary>
/// Waits after an attack until its evidence is stored: the last packet of each attacker is seen,
/// by the AS's own BTM evidence, on every border link it crossed (in from the AS before, out to
/// the AS after, on the path BGP chose), as its kind of traceback system stored it
/// (<see cref="ILabKind.OpenEvidence"/>). Digest pages reach the archive when they seal (2 s
/// windows) and flows when pmacctd expires them, later still on a busy machine, and each link has
/// its own pmacctd: seeing the packet somewhere in the AS is not enough, a trace asks per link.
/// </summary>
internal static class LabEvidence
{
    /// <returns>How long it took, or null when some had not arrived within <paramref name="limit"/>, and what is still missing
    /// ("AS65003 link 10.3.0.1/4:in from AS65004").</returns>
    public static (TimeSpan? Took, IReadOnlyList<string> Missing) WaitFor(LabPlan plan, KindRegistry kinds,
        IReadOnlyList<(string? AsPath, byte[] LastPacket)> attacks, TimeSpan limit)
    {
        var pending = new List<(LabAs As, string Link, uint Neighbor, TracedPacket Packet)>();
        foreach (var (asPath, last) in attacks)
        {
            uint[] path = [.. (asPath ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => uint.Parse(n, CultureInfo.InvariantCulture))];
            var packet = new TracedPacket(last, timestampNs: null);
            for (int k = 0; k < path.Length; k++)
            {
                var labAs = plan[path[k]];
                if (kinds.Named(labAs.System)?.Lab is not { StoresEvidence: true })
                {
                    continue; // nothing runs, or it counts as packets pass (link testing): nothing to wait for
                }
                var links = BorderLinks(plan, labAs);
                if (k > 0)
                {
                    pending.AddRange(links.Where(l => l.Neighbor == path[k - 1] && l.Direction == "in").Take(1)
                        .Select(l => (labAs, l.Link, l.Neighbor, packet)));
                }
                if (k < path.Length - 1)
                {
                    pending.AddRange(links.Where(l => l.Neighbor == path[k + 1] && l.Direction == "out").Take(1)
                        .Select(l => (labAs, l.Link, l.Neighbor, packet)));
                }
            }
        }
        var sites = pending.Select(p => p.As).Distinct().ToDictionary(a => a, a => (Kind: kinds.Named(a.System)!.Lab!, Site: LabSites.Of(plan, a, [])));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var group in pending.GroupBy(p => p.As).ToList())
            {
                var (kind, site) = sites[group.Key];
                using var evidence = kind.OpenEvidence(site);
                pending.RemoveAll(p => p.As == group.Key && evidence?.Links.Ask(p.Link, p.Packet, TimeSpan.Zero).Seen == true);
            }
            if (pending.Count == 0 || clock.Elapsed > limit)
            {
                return (pending.Count == 0 ? clock.Elapsed : null, [.. pending.Select(Describe).Distinct()]);
            }
            Thread.Sleep(250);
        }
    }

    private static string Describe((LabAs As, string Link, uint Neighbor, TracedPacket _) p) =>
        $"AS{p.As.Number} link {p.Link} {(p.Link.EndsWith(":in", StringComparison.Ordinal) ? "from" : "to")} AS{p.Neighbor}";

    /// <summary>The BTM's border links of an AS, as its node configuration names them.</summary>
    private static List<(string Link, uint Neighbor, string Direction)> BorderLinks(LabPlan plan, LabAs labAs)
    {
        using var node = JsonDocument.Parse(File.ReadAllText(Path.Combine(plan.AsDirectory(labAs.Number), LabConfigs.NodeFile)));
        return [.. node.RootElement.GetProperty("btm").GetProperty("links").EnumerateArray()
            .Select(l => (l.GetProperty("link").GetString()!, l.GetProperty("neighborAs").GetUInt32(), l.GetProperty("direction").GetString()!))];
    }
}
