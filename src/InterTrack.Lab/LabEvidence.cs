using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InterTrack.Digest;
using InterTrack.Flow;
using InterTrack.Flow.Store;
using InterTrack.Node.Tracing;

namespace InterTrack.Lab;

/// <summary>
/// Waits after an attack until its evidence is stored: the last packet of each attacker is seen,
/// by the AS's own BTM evidence, on every border link it crossed (in from the AS before, out to
/// the AS after, on the path BGP chose). Digest pages reach the archive when they seal (2 s
/// windows) and flows when pmacctd expires them, later still on a busy machine, and each link has
/// its own pmacctd: seeing the packet somewhere in the AS is not enough, a trace asks per link.
/// </summary>
internal static class LabEvidence
{
    /// <returns>How long it took, or null when some had not arrived within <paramref name="limit"/>, and what is still missing
    /// ("AS65003 link 10.3.0.1/4:in from AS65004").</returns>
    public static (TimeSpan? Took, IReadOnlyList<string> Missing) WaitFor(LabPlan plan, IReadOnlyList<(string? AsPath, byte[] LastPacket)> attacks,
        TimeSpan limit)
    {
        var pending = new List<(LabAs As, string Link, uint Neighbor, TracedPacket Packet)>();
        foreach (var (asPath, last) in attacks)
        {
            uint[] path = [.. (asPath ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => uint.Parse(n, CultureInfo.InvariantCulture))];
            var packet = new TracedPacket(last, timestampNs: null);
            for (int k = 0; k < path.Length; k++)
            {
                var labAs = plan[path[k]];
                if (labAs.System is LabSystem.None or LabSystem.LinkTest) // link testing counts in the kernel as packets pass: nothing to wait for
                {
                    continue;
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
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var group in pending.GroupBy(p => p.As).ToList())
            {
                using var evidence = Evidence.Open(plan, group.Key);
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

    /// <summary>An AS's stored evidence as its BTM reads it, opened afresh for each look.</summary>
    private sealed class Evidence(ILinkEvidence links, IDisposable store) : IDisposable
    {
        public ILinkEvidence Links { get; } = links;

        public static Evidence? Open(LabPlan plan, LabAs labAs)
        {
            string dir = plan.AsDirectory(labAs.Number);
            if (labAs.System == LabSystem.Digest)
            {
                var archive = new DigestArchiveSource(Path.Combine(dir, LabConfigs.DigestDirectory), refresh: TimeSpan.Zero);
                return new Evidence(new DigestEvidence(archive), archive);
            }
            string flows = Path.Combine(dir, LabConfigs.FlowDirectory);
            if (!Directory.Exists(flows))
            {
                return null; // the collector has not written anything yet
            }
            var store = FlowStore.OpenReader(flows);
            return new Evidence(new FlowEvidence(store), store);
        }

        public void Dispose() => store.Dispose();
    }
}
