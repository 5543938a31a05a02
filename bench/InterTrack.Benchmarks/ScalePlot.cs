using System.Globalization;
using System.Text;

namespace InterTrack.Benchmarks;

/// <summary>
/// The growth plot of bench/internet-scale.sh: emulation wall time and peak memory, and topology
/// generation time, against the number of ASes (log–log axes, ticks and labels outside the frame).
/// </summary>
internal static class ScalePlot
{
    private const double Left = 70, Right = 70, Top = 40, Bottom = 60, Width = 720, Height = 420;

    public static void Write(string csvPath, string svgPath)
    {
        var rows = File.ReadAllLines(csvPath).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        double[] ases = [.. rows.Select(r => r[0])];
        var series = new (string Name, string Color, bool RightAxis, double[] Values)[]
        {
            ("emulation wall time (s)", "#1f77b4", false, [.. rows.Select(r => r[4])]),
            ("topology generation (s)", "#2ca02c", false, [.. rows.Select(r => r[3])]),
            ("emulation peak memory (MiB)", "#d62728", true, [.. rows.Select(r => r[5])]),
        };
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double xMin = Math.Log10(ases.Min()), xMax = Math.Log10(ases.Max());
        var (sMin, sMax) = Decades(series.Where(s => !s.RightAxis).SelectMany(s => s.Values));
        var (mMin, mMax) = Decades(series.Where(s => s.RightAxis).SelectMany(s => s.Values));
        double X(double v) => Left + (Math.Log10(v) - xMin) / (xMax - xMin) * plotW;
        double Y(double v, bool right) => right
            ? Top + plotH - (Math.Log10(v) - mMin) / (mMax - mMin) * plotH
            : Top + plotH - (Math.Log10(v) - sMin) / (sMax - sMin) * plotH;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">Emulation at full deployment, every attack packet traced</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#444\"/>");
        foreach (double a in ases)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{X(a):F1}\" y1=\"{Top + plotH}\" x2=\"{X(a):F1}\" y2=\"{Top + plotH + 5}\" stroke=\"#444\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(a):F1}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{a:#,0}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{Left + plotW / 2}\" y=\"{Height - 15}\" text-anchor=\"middle\">ASes (log scale; attacker ASes: min(1,000, ASes / 5))</text>");
        for (double d = sMin; d <= sMax + 1e-9; d++)
        {
            double y = Y(Math.Pow(10, d), false);
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Left - 5}\" y1=\"{y:F1}\" x2=\"{Left}\" y2=\"{y:F1}\" stroke=\"#444\"/><text x=\"{Left - 8}\" y=\"{y + 4:F1}\" " +
                $"text-anchor=\"end\">{Math.Pow(10, d):0.###}</text>");
        }
        for (double d = mMin; d <= mMax + 1e-9; d++)
        {
            double y = Y(Math.Pow(10, d), true);
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Left + plotW}\" y1=\"{y:F1}\" x2=\"{Left + plotW + 5}\" y2=\"{y:F1}\" stroke=\"#444\"/><text x=\"{Left + plotW + 8}\" " +
                $"y=\"{y + 4:F1}\">{Math.Pow(10, d):0}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture,
            $"<text transform=\"translate(18,{Top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">seconds (log)</text>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text transform=\"translate({Width - 14},{Top + plotH / 2}) rotate(90)\" text-anchor=\"middle\">MiB (log)</text>");
        for (int s = 0; s < series.Length; s++)
        {
            var (name, color, right, values) = series[s];
            string points = string.Join(' ', ases.Select((a, i) => string.Create(CultureInfo.InvariantCulture, $"{X(a):F1},{Y(values[i], right):F1}")));
            svg.Append(CultureInfo.InvariantCulture,
                $"<polyline points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{(right ? " stroke-dasharray=\"6 4\"" : "")}/>");
            foreach (var (a, i) in ases.Select((a, i) => (a, i)))
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(a):F1}\" cy=\"{Y(values[i], right):F1}\" r=\"3\" fill=\"{color}\"/>");
            }
            double ly = Top + 16 + s * 18;
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Left + 12}\" y1=\"{ly - 4}\" x2=\"{Left + 36}\" y2=\"{ly - 4}\" stroke=\"{color}\" " +
                $"stroke-width=\"2\"{(right ? " stroke-dasharray=\"6 4\"" : "")}/><text x=\"{Left + 42}\" y=\"{ly}\">{name}</text>");
        }
        svg.Append("</svg>\n");
        File.WriteAllText(svgPath, svg.ToString());
    }

    /// <summary>Whole decades around the values, for log axes.</summary>
    private static (double Low, double High) Decades(IEnumerable<double> values)
    {
        var list = values.Where(v => v > 0).ToList();
        double low = Math.Floor(Math.Log10(list.Min())), high = Math.Ceiling(Math.Log10(list.Max()));
        return (low, high > low ? high : low + 1);
    }
}
