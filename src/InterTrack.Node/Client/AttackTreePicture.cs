using System.Globalization;
using System.Xml.Linq;

namespace InterTrack.Node.Client;

/// <summary>One AS in an attack-tree picture: under <paramref name="Parent"/> (null: a root), drawn with <paramref name="Kind"/>'s colour.</summary>
public sealed record TreeAs(uint As, uint? Parent, AsKind Kind, string? Note = null)
{
    /// <summary>More about the AS for its tooltip (an amplifier's reflectors, and why its requests were not found).</summary>
    public string? Detail { get; init; }
}

/// <summary>What an AS is in the attack, as the picture's legend names it.</summary>
public enum AsKind
{
    Victim,
    SourceTraced,
    AttackerMissed,
    FalseSource,
    Unresolved,
    Transit,

    /// <summary>A reflector's AS: its hosts answered requests forged with the victim's address; the forging ASes are behind it.</summary>
    Amplifier,
}

/// <summary>
/// Draws an attack tree as SVG with a tidy layout: hop depth from the victim as columns (labelled
/// at the top), each AS under the AS it was traced from, leaves one row each in depth-first order
/// and every parent centred on its children, so subtrees never interleave. Edges are elbows that
/// leave a parent after the longest label of its column, run down the gutter between columns and
/// enter the child from the left: they never cross a label or another edge. ASes outside the tree
/// (attackers no traced path reaches, the frontier off the paths) are listed in a column of their
/// own; the legend sits above.
/// </summary>
public static class AttackTreePicture
{
    private const double Row = 24, Radius = 7, CharWidth = 7.2, Gap = 18, Top = 92, Left = 24;

    private static readonly Dictionary<AsKind, (string Fill, string Text)> Styles = new()
    {
        [AsKind.Victim] = ("#2c3e50", "victim"),
        [AsKind.SourceTraced] = ("#c0392b", "attacker AS, traced"),
        [AsKind.AttackerMissed] = ("#f39c12", "attacker AS, missed"),
        [AsKind.FalseSource] = ("#8e44ad", "false source"),
        [AsKind.Unresolved] = ("#95a5a6", "unresolved (frontier)"),
        [AsKind.Transit] = ("#ecf0f1", "transit"),
        [AsKind.Amplifier] = ("#2980b9", "amplifier (reflector)"),
    };

    /// <summary>Kinds the legend names only when the picture has one, so pictures of attacks without them stay as they were.</summary>
    private static readonly HashSet<AsKind> OnlyWhenDrawn = [AsKind.Amplifier];

    /// <param name="ases">The tree (each AS's parent must be in it, or the AS is a root) and the ASes outside it
    /// (parent null, listed apart when <paramref name="outside"/> holds).</param>
    /// <param name="outside">ASes on no traced path: drawn in their own column, without edges.</param>
    public static string Svg(string title, IReadOnlyList<TreeAs> ases, IReadOnlyCollection<uint>? outside = null)
    {
        outside ??= [];
        var byAs = ases.GroupBy(a => a.As).ToDictionary(g => g.Key, g => g.First());
        var children = byAs.Keys.ToDictionary(a => a, _ => new List<uint>());
        foreach (var a in byAs.Values.Where(a => a.Parent is { } p && byAs.ContainsKey(p) && !outside.Contains(a.As)))
        {
            children[a.Parent!.Value].Add(a.As);
        }
        var roots = byAs.Values.Where(a => !outside.Contains(a.As) && (a.Parent is null || !byAs.ContainsKey(a.Parent.Value)))
            .OrderBy(a => a.Kind == AsKind.Victim ? 0 : 1).ThenBy(a => a.As).Select(a => a.As).ToList();

        // Depth-first: a leaf takes the next row, a parent the middle of its children's rows.
        var depth = new Dictionary<uint, int>();
        var row = new Dictionary<uint, double>();
        double nextRow = 0;
        var visiting = new HashSet<uint>();
        double Place(uint a, int d)
        {
            visiting.Add(a);
            depth[a] = d;
            var kids = children[a].Where(k => !visiting.Contains(k) && !depth.ContainsKey(k)).OrderBy(k => k).ToList();
            if (kids.Count == 0)
            {
                return row[a] = nextRow++;
            }
            var rows = kids.Select(k => Place(k, d + 1)).ToList();
            return row[a] = (rows[0] + rows[^1]) / 2;
        }
        foreach (uint r in roots)
        {
            Place(r, 0);
        }
        int columns = depth.Values.DefaultIfEmpty(0).Max() + 1;
        var outsideList = outside.Where(byAs.ContainsKey).Order().ToList();

        string Label(uint a) => byAs[a].Note is { } note ? $"AS{a} {note}" : $"AS{a}";
        double LabelWidth(uint a) => Label(a).Length * CharWidth;
        // Each column is as wide as its longest label; the gutter after it carries the edges.
        var columnX = new double[columns + 1];
        var labelEnd = new double[columns];
        double x = Left + Radius;
        for (int c = 0; c < columns; c++)
        {
            columnX[c] = x;
            double widest = depth.Where(d => d.Value == c).Select(d => LabelWidth(d.Key)).DefaultIfEmpty(30).Max();
            labelEnd[c] = x + Radius + 4 + widest;
            x = labelEnd[c] + 2 * Gap + Radius;
        }
        columnX[columns] = x;
        double Y(double r) => Top + r * Row;

        XNamespace svg = "http://www.w3.org/2000/svg";
        var legend = Styles.Where(s => !OnlyWhenDrawn.Contains(s.Key) || byAs.Values.Any(a => a.Kind == s.Key)).ToList();
        double legendWidth = legend.Sum(s => 34 + s.Value.Text.Length * CharWidth);
        double width = Math.Max(columnX[columns] + (outsideList.Count > 0 ? outsideList.Max(LabelWidth) + 2 * Radius + 8 : 0), Left * 2 + legendWidth);
        double height = Y(Math.Max(nextRow, outsideList.Count + 1)) + Row;
        var root = new XElement(svg + "svg",
            new XAttribute("width", F(width)), new XAttribute("height", F(height)), new XAttribute("viewBox", $"0 0 {F(width)} {F(height)}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 12),
            new XElement(svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "white")),
            new XElement(svg + "text", new XAttribute("x", Left), new XAttribute("y", 22), new XAttribute("font-size", 15), title),
            Legend(svg, legend, Left, 44));
        // Column headings: the AS-hop depth from the victim.
        for (int c = 0; c < columns; c++)
        {
            root.Add(new XElement(svg + "text", new XAttribute("x", F(columnX[c] - Radius)), new XAttribute("y", F(Top - Row + 4)),
                new XAttribute("fill", "#7f8c8d"),
                c == 0 ? "victim" : $"{c} hop{(c == 1 ? "" : "s")}"));
        }
        if (outsideList.Count > 0)
        {
            root.Add(new XElement(svg + "text", new XAttribute("x", F(columnX[columns] - Radius)), new XAttribute("y", F(Top - Row + 4)),
                new XAttribute("fill", "#7f8c8d"), "not on a traced path"));
        }
        foreach (var (parent, kids) in children.Where(c => depth.ContainsKey(c.Key)))
        {
            foreach (uint kid in kids.Where(k => depth.TryGetValue(k, out int d) && d == depth[parent] + 1))
            {
                int c = depth[parent];
                double gutter = labelEnd[c] + Gap;
                root.Add(new XElement(svg + "path",
                    new XAttribute("d", $"M{F(labelEnd[c] + 4)},{F(Y(row[parent]))} H{F(gutter)} V{F(Y(row[kid]))} H{F(columnX[c + 1] - Radius)}"),
                    new XAttribute("fill", "none"), new XAttribute("stroke", "#c0392b"), new XAttribute("stroke-width", 1.5), new XAttribute("opacity", 0.75)));
            }
        }
        foreach (var (a, d) in depth)
        {
            root.Add(Node(svg, byAs[a], Label(a), columnX[d], Y(row[a])));
        }
        for (int i = 0; i < outsideList.Count; i++)
        {
            root.Add(Node(svg, byAs[outsideList[i]], Label(outsideList[i]), columnX[columns], Y(i)));
        }
        return root.ToString(SaveOptions.DisableFormatting); // no XML declaration: the file's encoding is the caller's (UTF-8)
    }

    private static XElement Node(XNamespace svg, TreeAs a, string label, double x, double y) =>
        new(svg + "g", new XAttribute("class", "as"), new XAttribute("data-as", a.As),
            new XElement(svg + "title", $"AS{a.As}: {Styles[a.Kind].Text}{(a.Detail is { } detail ? $"; {detail}" : "")}"),
            new XElement(svg + "circle", new XAttribute("cx", F(x)), new XAttribute("cy", F(y)), new XAttribute("r", Radius),
                new XAttribute("fill", Styles[a.Kind].Fill), new XAttribute("stroke", "#34495e")),
            new XElement(svg + "text", new XAttribute("x", F(x + Radius + 4)), new XAttribute("y", F(y + 4)), label));

    private static XElement Legend(XNamespace svg, IEnumerable<KeyValuePair<AsKind, (string Fill, string Text)>> kinds, double x, double y)
    {
        var group = new XElement(svg + "g", new XAttribute("class", "legend"));
        foreach (var (_, (fill, text)) in kinds)
        {
            group.Add(new XElement(svg + "circle", new XAttribute("cx", F(x + 6)), new XAttribute("cy", F(y)), new XAttribute("r", 6),
                new XAttribute("fill", fill), new XAttribute("stroke", "#34495e")),
                new XElement(svg + "text", new XAttribute("x", F(x + 16)), new XAttribute("y", F(y + 4)), text));
            x += 16 + text.Length * CharWidth + 18;
        }
        return group;
    }

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
