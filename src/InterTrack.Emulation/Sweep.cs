using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace InterTrack.Emulation;

/// <summary>One point of a sweep: the swept value and both methods' results.</summary>
public sealed record SweepPoint(double Value, EmulationReport Report);

/// <summary>
/// Runs a scenario for each value of one parameter — "deployment" (the share of ASes with a BTS),
/// "flow" (the share of deployed ASes, TS and BTS, that run flow records instead of digests) or
/// "attackers" (a number of attacker ASes) — and writes the results as CSV and as an SVG plot of
/// recall, messages and domain traces against the value, for InterTrack and the baseline.
/// </summary>
public static class Sweep
{
    /// <exception cref="FormatException">Not "deployment=…", "flow=…" or "attackers=…" with numbers.</exception>
    public static (string Parameter, IReadOnlyList<double> Values) Parse(string text)
    {
        var parts = text.Split('=', 2);
        if (parts.Length != 2 || parts[0] is not ("deployment" or "flow" or "attackers"))
        {
            throw new FormatException($"--sweep '{text}': expected deployment=0,0.5,1, flow=0,0.5,1 or attackers=5,10,20");
        }
        var values = new List<double>();
        foreach (var v in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                || (parts[0] == "attackers" ? value < 1 || value != Math.Floor(value) : value is < 0 or > 1))
            {
                throw new FormatException($"--sweep: '{v}' is not a valid {parts[0]} value");
            }
            values.Add(value);
        }
        return values.Count > 0 ? (parts[0], values) : throw new FormatException("--sweep: no values");
    }

    public static Scenario Apply(Scenario scenario, string parameter, double value) => parameter switch
    {
        "deployment" => scenario with { Deployment = scenario.Deployment with { Bts = scenario.Deployment.Bts.WithDeployed(value) } },
        "flow" => scenario with { Deployment = scenario.Deployment with
        {
            Bts = scenario.Deployment.Bts.WithFlowFraction(value), Ts = scenario.Deployment.Ts.WithFlowFraction(value),
        } },
        _ => scenario with { Attackers = [new AttackerSpec { Count = (int)value }] },
    };

    public static string Csv(string parameter, IReadOnlyList<SweepPoint> points)
    {
        var csv = new StringBuilder($"{parameter},method,recall,precision,messages,bytes,ts_queries,border_queries,elapsed_ms,unresolved\n");
        foreach (var point in points)
        {
            foreach (var (name, m) in new[] { ("intertrack", point.Report.InterTrack), ("baseline", point.Report.Baseline) })
            {
                csv.Append(string.Create(CultureInfo.InvariantCulture,
                    $"{point.Value},{name},{m.Recall:F4},{m.Precision:F4},{m.Messages},{m.Bytes},{m.TsQueries},{m.BorderQueries},{m.ElapsedMs:F1},{m.Unresolved.Count}\n"));
            }
        }
        return csv.ToString();
    }

    /// <summary>Three panels side by side: recall, ITM messages, intra-domain traces; InterTrack solid, baseline dashed.</summary>
    public static string Plot(string parameter, IReadOnlyList<SweepPoint> points)
    {
        XNamespace svg = "http://www.w3.org/2000/svg";
        (string Title, Func<MethodResult, double> Metric)[] panels =
        [
            ("recall of origin ASes", m => m.Recall),
            ("ITM messages", m => m.Messages),
            ("intra-domain traces", m => m.TsQueries),
        ];
        const int w = 300, h = 220, margin = 50;
        double minX = points.Min(p => p.Value), maxX = points.Max(p => p.Value);
        var root = new XElement(svg + "svg", new XAttribute("width", panels.Length * (w + margin) + margin), new XAttribute("height", h + 2 * margin + 30),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 11),
            new XElement(svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "white")));
        for (int p = 0; p < panels.Length; p++)
        {
            int left = margin + p * (w + margin), top = margin;
            double maxY = Math.Max(1e-9, points.Max(pt => Math.Max(panels[p].Metric(pt.Report.InterTrack), panels[p].Metric(pt.Report.Baseline))));
            if (p == 0) maxY = 1;
            double X(double v) => left + (maxX == minX ? w / 2.0 : (v - minX) / (maxX - minX) * w);
            double Y(double v) => top + h - v / maxY * h;
            root.Add(new XElement(svg + "text", new XAttribute("x", left), new XAttribute("y", top - 12), new XAttribute("font-size", 13), panels[p].Title),
                new XElement(svg + "rect", new XAttribute("x", left), new XAttribute("y", top), new XAttribute("width", w), new XAttribute("height", h),
                    new XAttribute("fill", "none"), new XAttribute("stroke", "#999")),
                new XElement(svg + "text", new XAttribute("x", left + w / 2), new XAttribute("y", top + h + 30), new XAttribute("text-anchor", "middle"), parameter),
                new XElement(svg + "text", new XAttribute("x", left - 6), new XAttribute("y", top + 4), new XAttribute("text-anchor", "end"), Fmt(maxY)),
                new XElement(svg + "text", new XAttribute("x", left - 6), new XAttribute("y", top + h), new XAttribute("text-anchor", "end"), "0"));
            foreach (var point in points)
            {
                root.Add(new XElement(svg + "text", new XAttribute("x", X(point.Value)), new XAttribute("y", top + h + 14), new XAttribute("text-anchor", "middle"), Fmt(point.Value)));
            }
            foreach (var (name, color, dash, select) in new (string, string, string, Func<EmulationReport, MethodResult>)[]
                { ("InterTrack", "#c0392b", "none", r => r.InterTrack), ("RID baseline", "#2c3e50", "6,4", r => r.Baseline) })
            {
                string line = string.Join(' ', points.Select(pt => string.Create(CultureInfo.InvariantCulture, $"{X(pt.Value):F1},{Y(panels[p].Metric(select(pt.Report))):F1}")));
                root.Add(new XElement(svg + "polyline", new XAttribute("points", line), new XAttribute("fill", "none"), new XAttribute("stroke", color),
                    new XAttribute("stroke-width", 2), new XAttribute("stroke-dasharray", dash)));
                if (p == 0)
                {
                    int y = top + h + 50 + (name == "InterTrack" ? 0 : 14);
                    root.Add(new XElement(svg + "line", new XAttribute("x1", left), new XAttribute("y1", y - 4), new XAttribute("x2", left + 30), new XAttribute("y2", y - 4),
                        new XAttribute("stroke", color), new XAttribute("stroke-width", 2), new XAttribute("stroke-dasharray", dash)),
                        new XElement(svg + "text", new XAttribute("x", left + 36), new XAttribute("y", y), name));
                }
            }
        }
        root.SetAttributeValue("height", h + 2 * margin + 50);
        return root.ToString(SaveOptions.DisableFormatting);
    }

    private static string Fmt(double v) => v.ToString(v >= 100 ? "F0" : "0.##", CultureInfo.InvariantCulture);
}
