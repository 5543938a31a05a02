using System.Globalization;
using InterTrack.Node.Client;

namespace InterTrack.Emulation;

/// <summary>
/// Draws an emulated attack as an attack tree (<see cref="AttackTreePicture"/>): the victim at the
/// root, each AS under the AS it was traced from along the traced paths, every attacker AS (found
/// or not), and the frontier the trace could not pass.
/// </summary>
public static class AttackPicture
{
    public static string Svg(EmulationReport report, MethodResult method) =>
        Svg(report.VictimAs, report.AttackerAses, method.AsPaths, method.OriginAses, method.Unresolved, method.Recall, method.Precision);

    /// <param name="paths">The traced AS paths, victim first.</param>
    /// <param name="unresolvedAses">ASes the trace could not pass (the frontier).</param>
    public static string Svg(uint victim, IReadOnlyCollection<uint> attackerAses, IReadOnlyList<IReadOnlyList<uint>> paths, IEnumerable<uint> originAses,
        IEnumerable<uint> unresolvedAses, double recall, double precision)
    {
        var attackers = attackerAses.ToHashSet();
        var found = originAses.ToHashSet();
        var unresolved = unresolvedAses.ToHashSet();
        // Each AS hangs under the AS before it on the shortest traced path that reaches it.
        var parent = new Dictionary<uint, (uint? Parent, int Depth)> { [victim] = (null, 0) };
        foreach (var path in paths)
        {
            for (int i = 1; i < path.Count; i++)
            {
                if (!parent.TryGetValue(path[i], out var known) || known.Depth > i)
                {
                    parent[path[i]] = (path[i - 1], i);
                }
            }
        }
        var outside = attackers.Concat(unresolved).Where(a => !parent.ContainsKey(a)).ToHashSet();
        var ases = parent.Keys.Concat(outside).Distinct().Select(a => new TreeAs(a, parent.TryGetValue(a, out var p) ? p.Parent : null,
            a == victim ? AsKind.Victim
            : found.Contains(a) && attackers.Contains(a) ? AsKind.SourceTraced
            : attackers.Contains(a) ? AsKind.AttackerMissed
            : found.Contains(a) ? AsKind.FalseSource
            : unresolved.Contains(a) ? AsKind.Unresolved
            : AsKind.Transit)).ToList();
        string title = string.Create(CultureInfo.InvariantCulture,
            $"Attack on AS{victim}: {found.Count(attackers.Contains)} of {attackers.Count} attacker ASes traced (recall " +
            $"{recall:F2}, precision {precision:F2})");
        return AttackTreePicture.Svg(title, ases, outside);
    }
}
