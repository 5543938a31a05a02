using System.Globalization;
using System.Text;
using System.Xml.Linq;
using InterTrack.Node.Kinds;

namespace InterTrack.Emulation;

/// <summary>One run of a sweep: the swept value, the seed, and both methods' results.</summary>
public sealed record SweepPoint(double Value, int Seed, EmulationReport Report);

/// <summary>
/// Runs a scenario for each value of one parameter — "deployment" (the share of ASes that run a
/// system, TS and BTS, kinds in the scenario's proportions), "bts" (the share of ASes with a border
/// system, the domains' systems as the scenario has them), a kind's name, flow for one (the share of
/// deployed ASes, TS and BTS, that run that kind instead of the default kind) or "attackers" (a number of attacker ASes) — over
/// one or more seeds, and writes the runs as CSV and an SVG plot: recall, the share of attackers
/// narrowed to at most two candidate ASes, ITM messages and intra-domain traces against the value;
/// InterTrack solid, the baseline dashed, the mean over seeds as the line and their range as a band.
/// </summary>
public static class Sweep
{
    /// <summary>Moreira et al. (ICC 2011): marking in the 8 % core ASes traced more than 90 % of attacks to fewer than 2 candidate ASes.</summary>
    public static (double Deployment, double Share) PublishedPoint { get; } = (0.08, 0.9);

    /// <param name="kinds">The kinds whose share can be swept: all the emulator runs but the default.</param>
    /// <exception cref="FormatException">Not "deployment=…", "bts=…", "KIND=…" or "attackers=…" with numbers.</exception>
    public static (string Parameter, IReadOnlyList<double> Values) Parse(string text, KindRegistry kinds)
    {
        var parts = text.Split('=', 2);
        var swept = kinds.Emulated.Skip(1).Select(k => k.Name).ToList();
        if (parts.Length != 2 || !(parts[0] is "deployment" or "bts" or "attackers" || swept.Contains(parts[0])))
        {
            throw new FormatException($"--sweep '{text}': expected deployment=0,0.5,1, bts=0,0.5,1, KIND=0,0.5,1 (a share of " +
                $"{string.Join(", ", swept)}) or attackers=5,10,20");
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
        "deployment" => scenario with
        {
            Deployment = scenario.Deployment with
            {
                Bts = scenario.Deployment.Bts.WithDeployed(value), Ts = scenario.Deployment.Ts.WithDeployed(value),
            },
        },
        "bts" => scenario with { Deployment = scenario.Deployment with { Bts = scenario.Deployment.Bts.WithDeployed(value) } },
        "attackers" => scenario with { Attackers = [new AttackerSpec { Count = (int)value }] },
        var kind => scenario with
        {
            Deployment = scenario.Deployment with
            {
                Bts = scenario.Deployment.Bts.WithShareOf(kind, value), Ts = scenario.Deployment.Ts.WithShareOf(kind, value),
            },
        },
    };

    /// <summary>Runs every value over <paramref name="seeds"/> seeds (the scenario's and the next ones), two at a time on two cores.</summary>
    public static async Task<List<SweepPoint>> RunAsync(Scenario scenario, KindRegistry kinds, string parameter, IReadOnlyList<double> values, int seeds,
        Action<SweepPoint> done, CancellationToken cancellationToken)
    {
        var runs = values.SelectMany(v => Enumerable.Range(scenario.Seed, seeds).Select(seed => (Value: v, Seed: seed))).ToList();
        var points = new List<SweepPoint>();
        await Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount),
            CancellationToken = cancellationToken },
            async (run, ct) =>
            {
                var report = await Emulator.RunAsync(Apply(scenario, parameter, run.Value) with { Seed = run.Seed }, kinds, null, ct).ConfigureAwait(false);
                var point = new SweepPoint(run.Value, run.Seed, report);
                lock (points)
                {
                    points.Add(point);
                    done(point);
                }
            }).ConfigureAwait(false);
        return [.. points.OrderBy(p => p.Value).ThenBy(p => p.Seed)];
    }

    public static string Csv(string parameter, IReadOnlyList<SweepPoint> points)
    {
        var csv = new StringBuilder($"{parameter},seed,method,recall,precision,deployed_attackers,deployed_recall,within1,within2,within5,mean_candidates," +
            "messages,bytes,ases_asked,ts_queries,border_queries,elapsed_ms,unresolved\n");
        foreach (var point in points)
        {
            var r = point.Report;
            foreach (var (name, m) in new[] { ("intertrack", r.InterTrack), ("baseline", r.Baseline) })
            {
                csv.Append(string.Create(CultureInfo.InvariantCulture,
                    $"{point.Value},{point.Seed},{name},{m.Recall:F4},{m.Precision:F4},{r.DeployedAttackerAses.Count}," +
                    $"{EmulationReport.RecallOf(r.DeployedAttackerAses, m):F4}," + // empty when no attacker runs a system
                    $"{m.WithinCandidates(1):F4},{m.WithinCandidates(2):F4},{m.WithinCandidates(5):F4},{m.MeanCandidates:F2}," +
                    $"{m.Messages},{m.Bytes},{m.AsesAsked},{m.TsQueries},{m.BorderQueries},{m.ElapsedMs:F1},{m.Unresolved.Count}\n"));
            }
        }
        return csv.ToString();
    }

    /// <summary>Mean, lowest and highest of a metric over the seeds of one value.</summary>
    public static (double Mean, double Low, double High) Spread(IEnumerable<SweepPoint> runs, Func<SweepPoint, double> metric)
    {
        var values = runs.Select(metric).ToList();
        return (values.Average(), values.Min(), values.Max());
    }

    /// <summary>Four panels: recall, share within ≤2 candidates (with the published point for deployment sweeps), ITM messages, intra-domain traces.</summary>
    public static string Plot(string parameter, IReadOnlyList<SweepPoint> points, string title)
    {
        XNamespace svg = "http://www.w3.org/2000/svg";
        (string Title, Func<MethodResult, double> Metric, bool Share)[] panels =
        [
            ("recall of attacker ASes", m => m.Recall, true),
            ("attackers within ≤ 2 candidate ASes", m => m.WithinCandidates(2), true),
            ("ITM messages", m => m.Messages, false),
            ("intra-domain traces", m => m.TsQueries, false),
        ];
        const int w = 260, h = 190, left0 = 70, top = 60, gap = 80;
        var values = points.Select(p => p.Value).Distinct().Order().ToList();
        double minX = values[0], maxX = values[^1];
        // Deployment shares from 5 % to 100 % crowd at the left on a linear axis: use a log axis when the values span a decade.
        bool log = minX > 0 && maxX / minX >= 10;
        double Axis(double v) => log ? Math.Log10(v) : v;
        int width = left0 + panels.Length * (w + gap);
        var root = new XElement(svg + "svg", new XAttribute("width", width), new XAttribute("height", top + h + 110),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 11),
            new XElement(svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "white")),
            new XElement(svg + "text", new XAttribute("x", left0), new XAttribute("y", 22), new XAttribute("font-size", 14), title));
        var methods = new (string Name, string Color, string Dash, Func<EmulationReport, MethodResult> Select)[]
        {
            ("InterTrack", "#c0392b", "none", r => r.InterTrack), ("RID-style baseline", "#2c3e50", "6,4", r => r.Baseline),
        };
        for (int p = 0; p < panels.Length; p++)
        {
            var panel = panels[p];
            int left = left0 + p * (w + gap);
            double maxY = panel.Share ? 1 : Math.Max(1, points.Max(pt => methods.Max(m => panel.Metric(m.Select(pt.Report)))));
            maxY = panel.Share ? 1 : Nice(maxY);
            // A margin inside the frame, so that a line at 0 or at the top is never drawn on it.
            double X(double v) => left + 8 + (maxX == minX ? (w - 16) / 2.0 : (Axis(v) - Axis(minX)) / (Axis(maxX) - Axis(minX)) * (w - 16));
            double Y(double v) => top + h - 6 - v / maxY * (h - 12);
            root.Add(new XElement(svg + "text", new XAttribute("x", left), new XAttribute("y", top - 12), new XAttribute("font-size", 12), panel.Title),
                new XElement(svg + "rect", new XAttribute("x", left), new XAttribute("y", top), new XAttribute("width", w), new XAttribute("height", h),
                    new XAttribute("fill", "none"), new XAttribute("stroke", "#999")),
                new XElement(svg + "text", new XAttribute("x", left + w / 2), new XAttribute("y", top + h + 34), new XAttribute("text-anchor", "middle"),
                log ? parameter + " (log scale)" : parameter));
            for (int t = 0; t <= 4; t++)
            {
                double v = maxY * t / 4;
                root.Add(new XElement(svg + "line", new XAttribute("x1", left - 4), new XAttribute("x2", left), new XAttribute("y1", F(Y(v))),
                    new XAttribute("y2", F(Y(v))), new XAttribute("stroke", "#999")),
                    new XElement(svg + "line", new XAttribute("x1", left), new XAttribute("x2", left + w), new XAttribute("y1", F(Y(v))),
                    new XAttribute("y2", F(Y(v))), new XAttribute("stroke", "#eee")),
                    new XElement(svg + "text", new XAttribute("x", left - 7), new XAttribute("y", F(Y(v) + 4)), new XAttribute("text-anchor", "end"), Fmt(v)));
            }
            double lastLabel = double.MinValue;
            foreach (double v in values)
            {
                root.Add(new XElement(svg + "line", new XAttribute("x1", F(X(v))), new XAttribute("x2", F(X(v))), new XAttribute("y1", top + h),
                    new XAttribute("y2", top + h + 4), new XAttribute("stroke", "#999")));
                if (X(v) - lastLabel >= 26) // a label that would touch the previous one is left out; its tick stays
                {
                    root.Add(new XElement(svg + "text", new XAttribute("x", F(X(v))), new XAttribute("y", top + h + 16),
                        new XAttribute("text-anchor", "middle"), new XAttribute("font-size", 9), Fmt(v)));
                    lastLabel = X(v);
                }
            }
            foreach (var m in methods)
            {
                var stats = values.Select(v => (v, Spread(points.Where(pt => pt.Value == v), pt => panel.Metric(m.Select(pt.Report))))).ToList();
                string band = string.Join(' ',
                    stats.Select(s => $"{F(X(s.v))},{F(Y(s.Item2.High))}").Concat(stats.AsEnumerable().Reverse().Select(s => $"{F(X(s.v))}," +
                    $"{F(Y(s.Item2.Low))}")));
                root.Add(new XElement(svg + "polygon", new XAttribute("points", band), new XAttribute("fill", m.Color), new XAttribute("fill-opacity", 0.12),
                    new XAttribute("stroke", "none")),
                    // InterTrack wide beneath, the baseline dashed on top: where they coincide both stay visible.
                    new XElement(svg + "polyline", new XAttribute("points", string.Join(' ', stats.Select(s => $"{F(X(s.v))},{F(Y(s.Item2.Mean))}"))),
                        new XAttribute("fill", "none"), new XAttribute("stroke", m.Color), new XAttribute("stroke-width", m.Dash == "none" ? 4 : 2),
                        new XAttribute("stroke-dasharray", m.Dash)));
            }
            if (p == 1 && parameter == "deployment" && PublishedPoint.Deployment >= minX && PublishedPoint.Deployment <= maxX)
            {
                double px = X(PublishedPoint.Deployment), py = Y(PublishedPoint.Share);
                root.Add(new XElement(svg + "path",
                    new XAttribute("d", $"M{F(px)},{F(py - 6)} L{F(px + 6)},{F(py)} L{F(px)},{F(py + 6)} L{F(px - 6)},{F(py)} Z"),
                    new XAttribute("fill", "#27ae60")));
            }
        }
        // The legend: one line per item.
        int y = top + h + 58;
        const int x = left0;
        foreach (var m in methods)
        {
            root.Add(new XElement(svg + "line", new XAttribute("x1", x), new XAttribute("y1", y - 4), new XAttribute("x2", x + 30), new XAttribute("y2", y - 4),
                    new XAttribute("stroke", m.Color), new XAttribute("stroke-width", m.Dash == "none" ? 4 : 2), new XAttribute("stroke-dasharray", m.Dash)),
                new XElement(svg + "text", new XAttribute("x", x + 36), new XAttribute("y", y), $"{m.Name}: mean over seeds; band: lowest to highest"));
            y += 16;
        }
        if (parameter == "deployment")
        {
            root.Add(new XElement(svg + "path", new XAttribute("d", $"M{x + 15},{y - 10} L{x + 21},{y - 4} L{x + 15},{y + 2} L{x + 9},{y - 4} Z"),
                new XAttribute("fill", "#27ae60")),
                new XElement(svg + "text", new XAttribute("x", x + 36), new XAttribute("y", y),
                "published: > 90 % of attacks within < 2 candidate ASes at 8 % core deployment (Moreira et al., ICC 2011)"));
            y += 16;
        }
        root.SetAttributeValue("height", y + 10);
        return root.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>A round upper bound for an axis: 1, 2 or 5 times a power of ten.</summary>
    private static double Nice(double max)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        return NiceSteps.Select(f => f * power).First(v => v >= max);
    }

    private static readonly double[] NiceSteps = [1, 2, 5, 10];

    private static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    private static string Fmt(double v) => v.ToString(v >= 100 ? "F0" : "0.##", CultureInfo.InvariantCulture);
}
