using System.Diagnostics;
using System.Globalization;
using InterTrack.Digest;
using InterTrack.Flow;
using InterTrack.Flow.Store;

namespace InterTrack.Lab;

/// <summary>
/// Waits after an attack until its evidence is stored: the last packet of each attacker is in the
/// digest pages or the flow records of every AS on the path BGP chose for it. Digest pages reach
/// the archive when they seal (2 s windows) and flows when pmacctd expires them, later still on a
/// busy machine, so a fixed wait would race them.
/// </summary>
internal static class LabEvidence
{
    /// <returns>Whether all of it arrived within <paramref name="limit"/>, and the ASes still missing some.</returns>
    public static (bool Complete, IReadOnlyList<uint> Missing) WaitFor(LabPlan plan, IReadOnlyList<(string? AsPath, byte[] LastPacket)> attacks, TimeSpan limit)
    {
        var pending = attacks
            .SelectMany(a => (a.AsPath ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(n => plan[uint.Parse(n, CultureInfo.InvariantCulture)])
                .Where(labAs => labAs.System != LabSystem.None)
                .Select(labAs => (labAs, a.LastPacket)))
            .ToList();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            pending.RemoveAll(p => Holds(plan, p.labAs, p.LastPacket));
            if (pending.Count == 0 || clock.Elapsed > limit)
            {
                return (pending.Count == 0, [.. pending.Select(p => p.labAs.Number).Distinct().Order()]);
            }
            Thread.Sleep(250);
        }
    }

    private static bool Holds(LabPlan plan, LabAs labAs, byte[] packet)
    {
        string dir = plan.AsDirectory(labAs.Number);
        if (labAs.System == LabSystem.Digest)
        {
            var pages = DigestArchive.Load(Path.Combine(dir, LabConfigs.DigestDirectory));
            try
            {
                return DigestQuery.Ask(pages, PacketInvariant.Of(packet), null, TimeSpan.Zero).Seen;
            }
            finally
            {
                pages.ForEach(p => p.Dispose());
            }
        }
        string flows = Path.Combine(dir, LabConfigs.FlowDirectory);
        if (!Directory.Exists(flows) || FlowKey.OfPacket(packet) is not var (key, _))
        {
            return false;
        }
        using var store = FlowStore.OpenReader(flows);
        return store.Find(key, null, TimeSpan.Zero).Count > 0;
    }
}
