using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using InterTrack.Emulation;

namespace InterTrack.Cli;

/// <summary><c>intertrack emulate --scenario FILE</c>: attack an emulated Internet and trace it with InterTrack and the RID-style baseline.</summary>
internal static class EmulateCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Create()
    {
        var scenario = new Option<FileInfo>("--scenario") { Description = "The scenario (JSON, see docs/emulation.md).", Required = true };
        var json = new Option<FileInfo>("--json") { Description = "Also write the report as JSON: truth, intertrack, baseline." };
        var svg = new Option<FileInfo>("--svg") { Description = "Also draw the AS graph around the attack (SVG): victim, attackers, traced paths, frontier." };
        var command = new Command("emulate", "Emulate an attack on an AS topology and trace it with the real managers, beside a RID-style baseline.")
        {
            scenario, json, svg,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            Scenario loaded;
            try
            {
                loaded = Scenario.Load(parsed.GetValue(scenario)!.FullName);
            }
            catch (FormatException e)
            {
                throw new CommandException($"bad scenario: {e.Message}", e);
            }
            EmulationReport report;
            try
            {
                report = await Emulator.RunAsync(loaded, line => output.WriteLine($"· {line}"), cancellationToken);
            }
            catch (Exception e) when (e is FormatException or NotSupportedException)
            {
                throw new CommandException(e.Message, e);
            }
            PrintComparison(output, report);
            if (parsed.GetValue(svg) is { } picture)
            {
                File.WriteAllText(picture.FullName, AttackPicture.Svg(report, report.InterTrack));
                output.WriteLine($"picture: {picture.FullName}");
            }
            if (parsed.GetValue(json) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(new
                {
                    truth = new { victimAs = report.VictimAs, attackerAses = report.AttackerAses },
                    intertrack = Method(report.InterTrack),
                    baseline = Method(report.Baseline),
                }, Json));
                output.WriteLine($"report: {file.FullName}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The truth and both methods side by side.</summary>
    internal static void PrintComparison(TextWriter output, EmulationReport report)
    {
        output.WriteLine($"victim AS{report.VictimAs}; {report.AttackerAses.Count} attacker ASes; {report.TracedPackets} of {report.AttackPackets} attack packets traced");
        output.WriteLine("                recall  precision  messages      bytes  domain traces  border queries  time ms");
        foreach (var (name, m) in new[] { ("InterTrack", report.InterTrack), ("RID baseline", report.Baseline) })
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-14}  {m.Recall,6:F2}  {m.Precision,9:F2}  {m.Messages,8}  {m.Bytes,9}  {m.TsQueries,13}  {m.BorderQueries,14}  {m.ElapsedMs,7:F0}"));
        }
        if (report.InterTrack.Unresolved.Count > 0)
        {
            output.WriteLine($"unresolved frontier (InterTrack): {string.Join(", ", report.InterTrack.Unresolved.Select(a => $"AS{a}"))}");
        }
    }

    private static object Method(MethodResult m) => new
    {
        originAses = m.OriginAses,
        asPaths = m.AsPaths,
        messages = m.Messages,
        bytes = m.Bytes,
        tsQueries = m.TsQueries,
        borderQueries = m.BorderQueries,
        elapsedMs = Math.Round(m.ElapsedMs, 1),
        recall = m.Recall,
        precision = m.Precision,
        unresolved = m.Unresolved,
    };
}
