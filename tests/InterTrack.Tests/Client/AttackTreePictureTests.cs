using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using InterTrack.Emulation;
using InterTrack.Node.Client;

namespace InterTrack.Tests.Client;

public sealed partial class AttackTreePictureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Random attack paths over random trees: what the picture must hold whatever the attack.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Every_as_sits_right_of_the_as_it_was_traced_from_and_no_edge_crosses_a_label_or_another_edge(int seed)
    {
        var random = new Random(seed);
        var parent = new Dictionary<uint, uint>();
        var nodes = new List<uint> { 1 };
        for (uint a = 2; a <= 60; a++)
        {
            uint p = nodes[random.Next(nodes.Count)];
            parent[a] = p;
            nodes.Add(a);
        }
        List<uint> PathTo(uint a)
        {
            var path = new List<uint> { a };
            while (parent.TryGetValue(path[^1], out uint p)) path.Add(p);
            path.Reverse();
            return path;
        }
        var leaves = nodes.Where(a => !parent.ContainsValue(a)).ToList();
        var attackers = leaves.Take(leaves.Count - 2).Append(999u).ToList(); // AS999 is on no traced path
        var paths = attackers.Where(a => a != 999).Select(a => (IReadOnlyList<uint>)PathTo(a)).ToList();

        var svg = XElement.Parse(AttackPicture.Svg(1, attackers, paths, attackers.Where(a => a != 999), [], 0.9, 1.0));

        var circles = svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "as")
            .ToDictionary(g => uint.Parse((string)g.Attribute("data-as")!, CultureInfo.InvariantCulture), g => g.Element(Svg + "circle")!);
        Assert.Equal(paths.SelectMany(p => p).Distinct().Count() + 1, circles.Count); // every AS on a path, and AS999 apart
        var labels = svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "as").Select(g => g.Element(Svg + "text")!)
            .Select(t => (X: D(t, "x"), Y: D(t, "y"), W: t.Value.Length * 7.2)).ToList();
        var segments = new List<(double X1, double Y1, double X2, double Y2, (double, double) From)>();
        foreach (var path in svg.Descendants(Svg + "path"))
        {
            var points = PathPoints(path);
            for (int i = 1; i < points.Count; i++) segments.Add((points[i - 1].X, points[i - 1].Y, points[i].X, points[i].Y, points[0]));
            // An edge goes rightwards from its parent's row to its child's circle.
            Assert.True(points[^1].X > points[0].X);
        }
        foreach (var (x1, y1, x2, y2, _) in segments)
        {
            foreach (var (x, y, w) in labels)
            {
                // A label's box: from its x to the end of its text, a line of 12 px text around its baseline.
                bool crosses = Math.Max(x1, x2) > x && Math.Min(x1, x2) < x + w && Math.Max(y1, y2) > y - 11 && Math.Min(y1, y2) < y + 3;
                Assert.False(crosses, $"segment ({x1},{y1})-({x2},{y2}) crosses the label at ({x},{y})");
            }
        }
        // Vertical segments (down a gutter) of different parents never overlap: each parent's children have rows of their own.
        var verticals = segments.Where(s => s.X1 == s.X2 && s.Y1 != s.Y2).Select(s => (s.X1, Low: Math.Min(s.Y1, s.Y2), High: Math.Max(s.Y1, s.Y2),
            s.From)).ToList();
        foreach (var a in verticals)
        {
            Assert.DoesNotContain(verticals, b => b.From != a.From && b.X1 == a.X1 && b.Low < a.High && a.Low < b.High);
        }
        foreach (var path in paths)
        {
            for (int i = 1; i < path.Count; i++)
            {
                Assert.True(D(circles[path[i]], "cx") > D(circles[path[i - 1]], "cx"), $"AS{path[i]} is not right of AS{path[i - 1]}");
            }
        }
        Assert.Equal("AS999: attacker AS, missed", circles[999].Parent!.Element(Svg + "title")!.Value);
    }

    private static double D(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    private static List<(double X, double Y)> PathPoints(XElement path)
    {
        var points = new List<(double X, double Y)>();
        double x = 0, y = 0;
        foreach (Match m in Command().Matches((string)path.Attribute("d")!))
        {
            var numbers = m.Groups[2].Value.Split(',').Select(n => double.Parse(n, CultureInfo.InvariantCulture)).ToArray();
            switch (m.Groups[1].Value)
            {
                case "M": (x, y) = (numbers[0], numbers[1]); break;
                case "H": x = numbers[0]; break;
                case "V": y = numbers[0]; break;
            }
            points.Add((x, y));
        }
        return points;
    }

    [GeneratedRegex("([MHV])([0-9.,-]+)")]
    private static partial Regex Command();
}
