using System.Globalization;
using System.Xml.Linq;

namespace InterTrack.Emulation;

/// <summary>
/// Draws the AS graph around an attack as SVG: the victim on the left, ASes in columns by their
/// AS-hop distance on the traced paths, traced paths as lines, every attacker AS (found or not),
/// and the frontier the trace could not pass.
/// </summary>
public static class AttackPicture
{
    private const int ColumnWidth = 170, RowHeight = 26, Margin = 40, Radius = 9;

    public static string Svg(EmulationReport report, MethodResult method) =>
        Svg(report.VictimAs, report.AttackerAses, method.AsPaths, method.OriginAses, method.Unresolved, method.Recall, method.Precision);

    /// <param name="paths">The traced AS paths, victim first.</param>
    /// <param name="unresolved">ASes the trace could not pass (the frontier).</param>
    public static string Svg(uint victim, IReadOnlyCollection<uint> attackerAses, IReadOnlyList<IReadOnlyList<uint>> paths, IEnumerable<uint> originAses,
        IEnumerable<uint> unresolvedAses, double recall, double precision)
    {
        var depth = new Dictionary<uint, int> { [victim] = 0 };
        var edges = new HashSet<(uint, uint)>();
        foreach (var path in paths)
        {
            for (int i = 0; i < path.Count; i++)
            {
                depth[path[i]] = Math.Min(depth.GetValueOrDefault(path[i], i), i);
                if (i > 0) edges.Add((path[i - 1], path[i]));
            }
        }
        int maxDepth = depth.Values.DefaultIfEmpty(0).Max();
        foreach (uint a in attackerAses.Concat(unresolvedAses).Where(a => !depth.ContainsKey(a)))
        {
            depth[a] = maxDepth + 1; // not on any traced path: a column of their own
        }
        var columns = depth.GroupBy(d => d.Value).OrderBy(g => g.Key).ToList();
        int rows = columns.Max(c => c.Count());
        var position = new Dictionary<uint, (int X, int Y)>();
        foreach (var column in columns)
        {
            int i = 0;
            foreach (uint a in column.Select(c => c.Key).Order())
            {
                position[a] = (Margin + column.Key * ColumnWidth, Margin + 30 + i++ * RowHeight);
            }
        }
        int width = Margin * 2 + columns.Max(c => c.Key) * ColumnWidth + 120;
        int height = Margin * 2 + 60 + rows * RowHeight;
        XNamespace svg = "http://www.w3.org/2000/svg";
        var attackers = attackerAses.ToHashSet();
        var found = originAses.ToHashSet();
        var unresolved = unresolvedAses.ToHashSet();
        var root = new XElement(svg + "svg",
            new XAttribute("width", width), new XAttribute("height", height), new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 12),
            new XElement(svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "white")),
            new XElement(svg + "text", new XAttribute("x", Margin), new XAttribute("y", 24), new XAttribute("font-size", 15),
                string.Create(CultureInfo.InvariantCulture, $"Attack on AS{victim}: {found.Count(attackers.Contains)} of {attackers.Count} attacker ASes traced (recall {recall:F2}, precision {precision:F2})")),
            edges.Where(e => position.ContainsKey(e.Item1) && position.ContainsKey(e.Item2)).Select(e => new XElement(svg + "line",
                new XAttribute("x1", position[e.Item1].X), new XAttribute("y1", position[e.Item1].Y),
                new XAttribute("x2", position[e.Item2].X), new XAttribute("y2", position[e.Item2].Y),
                new XAttribute("stroke", "#c0392b"), new XAttribute("stroke-width", 1.6), new XAttribute("opacity", 0.7))),
            position.Select(p =>
            {
                var (fill, role) = p.Key == victim ? ("#2c3e50", "victim")
                    : found.Contains(p.Key) && attackers.Contains(p.Key) ? ("#c0392b", "source, traced")
                    : attackers.Contains(p.Key) ? ("#f39c12", "attacker, not traced")
                    : found.Contains(p.Key) ? ("#8e44ad", "source, wrongly")
                    : unresolved.Contains(p.Key) ? ("#95a5a6", "unresolved")
                    : ("#ecf0f1", "transit");
                return new XElement(svg + "g",
                    new XElement(svg + "title", $"AS{p.Key}: {role}"),
                    new XElement(svg + "circle", new XAttribute("cx", p.Value.X), new XAttribute("cy", p.Value.Y), new XAttribute("r", Radius),
                        new XAttribute("fill", fill), new XAttribute("stroke", "#34495e")),
                    new XElement(svg + "text", new XAttribute("x", p.Value.X + Radius + 4), new XAttribute("y", p.Value.Y + 4), $"AS{p.Key}"));
            }),
            Legend(svg, width - 150, height - 110));
        return root.ToString(SaveOptions.DisableFormatting); // no XML declaration: the file's encoding is the caller's (UTF-8)
    }

    private static XElement Legend(XNamespace svg, int x, int y)
    {
        (string Fill, string Text)[] items = [("#2c3e50", "victim"), ("#c0392b", "attacker AS, traced"), ("#f39c12", "attacker AS, missed"),
            ("#8e44ad", "false source"), ("#95a5a6", "unresolved (frontier)"), ("#ecf0f1", "transit")];
        return new XElement(svg + "g", items.Select((item, i) => new XElement(svg + "g",
            new XElement(svg + "circle", new XAttribute("cx", x), new XAttribute("cy", y + i * 17), new XAttribute("r", 6),
                new XAttribute("fill", item.Fill), new XAttribute("stroke", "#34495e")),
            new XElement(svg + "text", new XAttribute("x", x + 12), new XAttribute("y", y + i * 17 + 4), item.Text))));
    }
}
