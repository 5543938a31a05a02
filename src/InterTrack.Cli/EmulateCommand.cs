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
        var sweep = new Option<string>("--sweep") { Description = "Run once per value (and seed): deployment=0.05,0.1,0.5,1 (share of ASes running a " +
            "system), bts=0,0.5,1 (share with a border system), KIND=0,0.5,1 (share of deployed ASes running that kind, such as flow, instead of the default " +
            "kind, digests) or attackers=5,10,20; writes CSV and plot." };
        var seeds = new Option<int>("--seeds") { Description = "With --sweep: run each value with this many seeds (the scenario's and the next ones); the " +
            "plot shows mean and range.", DefaultValueFactory = _ => 1 };
        seeds.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--seeds must be at least 1."); });
        var strategy = new Option<string>("--strategy") { Description = "Which ASes get systems first (overrides deployment.strategy): random, core-first, " +
            "stubs-first, tier1-and-stubs." };
        strategy.AcceptOnlyFromAmong([.. DeploymentOrder.Strategies]);
        var noSkipOver = new Option<bool>("--no-skip-over") { Description = "ITMs stop at an AS that runs nothing and only name the candidates behind it " +
            "(overrides deployment.skipOver)." };
        var skipOverBound = new Option<int?>("--skip-over-bound") { Description = "At most this many deployed ASes an ITM asks behind one AS that runs " +
            "nothing (overrides deployment.skipOverBound; default 1024)." };
        var noSpoofNotices = new Option<bool>("--no-spoof-notices") { Description = "Deployed ASes send the victim no spoofing notices, so skip-over " +
            "asks by the AS graph alone (overrides deployment.spoofNotices; the figures before notices)." };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Directory for the sweep's sweep.csv and sweep.svg.",
            DefaultValueFactory = _ => new DirectoryInfo(".") };
        var serve = new Option<bool>("--serve") { Description = "Keep the attacked network running (ITMs on TLS, the victim's D Point) for an " +
            "external client until Ctrl+C." };
        var serveDir = new Option<DirectoryInfo>("--serve-dir") { Description = "With --serve: where the CA, client certificate and key, victim pcap and D " +
            "Point database go.", DefaultValueFactory = _ => new DirectoryInfo("intertrack-serve") };
        var legacyPort = new Option<int?>("--legacy-client-port") { Description = "With --serve: also open the D Point's plain-TCP client port on 127.0.0.1." };
        var webPort = new Option<int?>("--web-port") { Description = "With --serve: the port of the D Point's operator page on 127.0.0.1 (default: any free " +
            "port; the web: line says which)." };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "With --serve: the port of the Prometheus scrape endpoint on 127.0.0.1 " +
            "(default: any free port; the metrics: line says which)." };
        var ridPort = new Option<int?>("--rid-port") { Description = "With --serve: also serve a RID gateway (HTTPS, mutual TLS) in front of the D Point " +
            "on 127.0.0.1 (0: any port)." };
        var command = new Command("emulate", "Emulate an attack on an AS topology and trace it with the real managers, beside a RID-style baseline.")
        {
            scenario, json, svg, sweep, seeds, strategy, noSkipOver, skipOverBound, noSpoofNotices, outDir, serve, serveDir, legacyPort, ridPort, webPort,
            metricsPort,
        };
        command.Validators.Add(result =>
        {
            foreach (var port in new[] { legacyPort, ridPort, webPort, metricsPort })
            {
                if (result.GetResult(port) is not null && result.GetResult(serve) is null)
                {
                    result.AddError($"{port.Name} needs --serve: the ports belong to the served emulation.");
                }
                // From the token, not GetValue: a value that is no number at all is the parser's error already, and GetValue would throw.
                if (result.GetResult(port) is { Tokens: [var token] } && int.TryParse(token.Value, out int number) && number is < 0 or > 65535)
                {
                    result.AddError($"{port.Name} must be a port number (0 to 65535).");
                }
            }
            if (result.GetResult(skipOverBound) is not null && result.GetValue(noSkipOver))
            {
                result.AddError("--skip-over-bound bounds what skip-over asks, and --no-skip-over asks nothing: give one of them.");
            }
            else if (result.GetResult(skipOverBound) is { Tokens: [var bound] } && int.TryParse(bound.Value, out int asked) && asked < 1)
            {
                result.AddError("--skip-over-bound must be positive: it is how many deployed ASes may be asked behind a gap (--no-skip-over asks none).");
            }
        });
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            Scenario loaded;
            try
            {
                loaded = Scenario.Load(parsed.GetValue(scenario)!.FullName, TracebackKinds.All);
            }
            catch (FormatException e)
            {
                throw new CommandException($"bad scenario: {e.Message}", e);
            }
            loaded = loaded with
            {
                Deployment = loaded.Deployment with
                {
                    Strategy = parsed.GetValue(strategy) ?? loaded.Deployment.Strategy,
                    SkipOver = loaded.Deployment.SkipOver && !parsed.GetValue(noSkipOver),
                    SkipOverBound = parsed.GetValue(skipOverBound) ?? loaded.Deployment.SkipOverBound,
                    SpoofNotices = loaded.Deployment.SpoofNotices && !parsed.GetValue(noSpoofNotices),
                },
            };
            // What only the topology can tell (an AS not in it, more attackers than ASes) is found once the emulation builds it, in any mode.
            async Task<T> WithScenarioErrors<T>(Func<Task<T>> run)
            {
                try
                {
                    return await run();
                }
                catch (Exception e) when (e is FormatException or NotSupportedException)
                {
                    throw new CommandException($"bad scenario: {parsed.GetValue(scenario)!.FullName}: {e.Message}", e);
                }
            }
            async Task WithScenarioErrorsAsync(Func<Task> run) => await WithScenarioErrors(async () => { await run(); return 0; });
            OutputFile.CheckWritable(parsed.GetValue(svg), "--svg");
            OutputFile.CheckWritable(parsed.GetValue(json), "--json");
            if (parsed.GetValue(serve))
            {
                using var loggers = Logging.Console("text");
                var options = new ServeOptions(parsed.GetValue(serveDir)!.FullName, parsed.GetValue(legacyPort),
                    parsed.GetValue(ridPort) is { } port ? new ServedRid(port, TimeSpan.FromSeconds(10), new Dictionary<uint, Uri>()) : null,
                    parsed.GetValue(webPort) ?? 0, parsed.GetValue(metricsPort) ?? 0);
                await WithScenarioErrorsAsync(() => ServeAsync(output, loaded, options, loggers, cancellationToken));
                return 0;
            }
            if (parsed.GetValue(sweep) is { } sweepText)
            {
                return await WithScenarioErrors(() => RunSweepAsync(output, loaded, sweepText, parsed.GetValue(seeds), parsed.GetValue(outDir)!,
                    cancellationToken));
            }
            var report = await WithScenarioErrors(() => Emulator.RunAsync(loaded, TracebackKinds.All, line => output.WriteLine($"· {line}"),
                cancellationToken));
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
                    truth = new { victimAs = report.VictimAs, attackerAses = report.AttackerAses, deployedAttackerAses = report.DeployedAttackerAses,
                        reachableAttackerAses = report.ReachableAttackerAses, reflectorAses = report.ReflectorAses,
                        amplification = Math.Round(report.Amplification, 1) },
                    systems = report.Systems,
                    intertrack = Method(report.InterTrack),
                    baseline = Method(report.Baseline),
                }, Json));
                output.WriteLine($"report: {file.FullName}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>Serves until cancelled (Ctrl+C, SIGTERM), saying when it starts and stops stopping.</summary>
    private static async Task ServeAsync(TextWriter output, Scenario scenario, ServeOptions options, Microsoft.Extensions.Logging.ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        await using (var server = await EmulationServer.StartAsync(scenario, options, line => output.WriteLine($"· {line}"), loggers))
        {
            PrintEndpoints(output, server.Endpoints);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // interrupted: shut down
            }
            output.WriteLine("stopping…");
            output.Flush();
        }
        output.WriteLine("stopped");
    }

    /// <summary>The served endpoints, one "key: value" line each (docs and scripts grep them), then "serving".</summary>
    private static void PrintEndpoints(TextWriter output, ServedEndpoints endpoints)
    {
        output.WriteLine($"dpoint: {endpoints.DPoint}");
        if (endpoints.LegacyDPoint is { } legacy)
        {
            output.WriteLine($"legacy-dpoint: {legacy}");
        }
        if (endpoints.Rid is { } gateway)
        {
            output.WriteLine($"rid: {gateway}");
        }
        output.WriteLine($"web: {endpoints.Web}");
        output.WriteLine($"metrics: {endpoints.Metrics}");
        output.WriteLine($"ca: {endpoints.Ca}");
        output.WriteLine($"client-certificate: {endpoints.ClientCertificate}");
        output.WriteLine($"client-key: {endpoints.ClientKey}");
        output.WriteLine($"pcap: {endpoints.Pcap}");
        output.WriteLine($"victim-as: {endpoints.VictimAs}");
        output.WriteLine($"try: intertrack trace --dp {endpoints.DPoint} --pcap {endpoints.Pcap} --all --cert {endpoints.ClientCertificate} --key " +
            $"{endpoints.ClientKey} --ca {endpoints.Ca}");
        output.WriteLine("serving; Ctrl+C stops");
        output.Flush();
    }

    private static async Task<int> RunSweepAsync(TextWriter output, Scenario scenario, string text, int seeds, DirectoryInfo directory,
        CancellationToken cancellationToken)
    {
        (string Parameter, IReadOnlyList<double> Values) sweep;
        try
        {
            sweep = Sweep.Parse(text, TracebackKinds.All);
        }
        catch (FormatException e)
        {
            throw new CommandException(e.Message, e);
        }
        string csv = Path.Combine(directory.FullName, "sweep.csv"), plot = Path.Combine(directory.FullName, "sweep.svg");
        try
        {
            directory.Create();
            // Checked before the long work; an earlier sweep.csv is kept until this sweep is done.
            using (new FileStream(csv, FileMode.Append, FileAccess.Write)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"--out: cannot write {csv}: {e.Message}", e);
        }
        var points = await Sweep.RunAsync(scenario, TracebackKinds.All, sweep.Parameter, sweep.Values, seeds,
            p => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sweep.Parameter} = {p.Value}, seed {p.Seed}: InterTrack recall {p.Report.InterTrack.Recall:F2}, within ≤2 " +
            $"{p.Report.InterTrack.WithinCandidates(2):F2}, {p.Report.InterTrack.Messages} messages; " +
            $"baseline recall {p.Report.Baseline.Recall:F2}")), cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sweep.Parameter,10}  method      recall        within ≤1     within ≤2     within ≤5     messages   domain traces  (mean [lowest, " +
            $"highest] over {seeds} seeds)"));
        foreach (var group in points.GroupBy(p => p.Value))
        {
            foreach (var (name, select) in new (string, Func<EmulationReport, MethodResult>)[] { ("InterTrack", r => r.InterTrack),
                ("baseline", r => r.Baseline) })
            {
                string Stat(Func<MethodResult, double> metric, string format)
                {
                    var (mean, low, high) = Sweep.Spread(group, p => metric(select(p.Report)));
                    return string.Create(CultureInfo.InvariantCulture,
                        $"{mean.ToString(format, CultureInfo.InvariantCulture)} [{low.ToString(format, CultureInfo.InvariantCulture)}, " +
                        $"{high.ToString(format, CultureInfo.InvariantCulture)}]");
                }
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{group.Key,10}  {name,-10}  {Stat(m => m.Recall, "F2"),-12}  {Stat(m => m.WithinCandidates(1), "F2"),-12}  " +
                    $"{Stat(m => m.WithinCandidates(2), "F2"),-12}  {Stat(m => m.WithinCandidates(5), "F2"),-12}  {Stat(m => m.Messages, "F0"),-10}  " +
                    $"{Stat(m => m.TsQueries, "F0")}"));
            }
        }
        File.WriteAllText(csv, Sweep.Csv(sweep.Parameter, points));
        string title = string.Create(CultureInfo.InvariantCulture,
            $"{scenario.Topology.Generate?.Ases.ToString(CultureInfo.InvariantCulture) ?? Path.GetFileName(scenario.Topology.AsRel)} ASes, strategy " +
            $"{scenario.Deployment.Strategy}, skip-over {(scenario.Deployment.SkipOver ? "on" : "off")}, spoofing notices " +
            $"{(scenario.Deployment.SpoofNotices ? "on" : "off")}, {seeds} seeds");
        File.WriteAllText(plot, Sweep.Plot(sweep.Parameter, points, title));
        output.WriteLine($"csv: {csv}");
        output.WriteLine($"plot: {plot}");
        return 0;
    }

    /// <summary>The truth and both methods side by side.</summary>
    internal static void PrintComparison(TextWriter output, EmulationReport report)
    {
        output.WriteLine($"victim AS{report.VictimAs}; {report.AttackerAses.Count} attacker ASes; {report.TracedPackets} of " +
            $"{report.AttackPackets} attack packets traced");
        output.WriteLine("                recall  precision  messages      bytes  ASes asked  domain traces  border queries  time ms");
        foreach (var (name, m) in new[] { ("InterTrack", report.InterTrack), ("RID baseline", report.Baseline) })
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-14}  {m.Recall,6:F2}  {m.Precision,9:F2}  {m.Messages,8}  {m.Bytes,9}  {m.AsesAsked,10}  {m.TsQueries,13}  {m.BorderQueries,14}  " +
                $"{m.ElapsedMs,7:F0}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"attackers narrowed to ≤1 / ≤2 / ≤5 candidate ASes: InterTrack {report.InterTrack.WithinCandidates(1):P0} / " +
            $"{report.InterTrack.WithinCandidates(2):P0} / {report.InterTrack.WithinCandidates(5):P0} (mean set {report.InterTrack.MeanCandidates:F1}), " +
            $"baseline {report.Baseline.WithinCandidates(1):P0} / {report.Baseline.WithinCandidates(2):P0} / {report.Baseline.WithinCandidates(5):P0} (mean " +
            $"set {report.Baseline.MeanCandidates:F1})"));
        if (report.DeployedAttackerAses.Count < report.AttackerAses.Count)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.DeployedAttackerAses.Count} attacker ASes run a system, InterTrack found " +
                $"{Share(EmulationReport.RecallOf(report.DeployedAttackerAses, report.InterTrack))} of them; " +
                $"{report.ReachableAttackerAses.Count} have one in every AS of their path, found " +
                $"{Share(EmulationReport.RecallOf(report.ReachableAttackerAses, report.InterTrack))}"));
        }
        if (report.Systems.Any(s => s.TsAses + s.BtsAses > 0))
        {
            output.WriteLine("system    TS ASes  BTS ASes  BTM queries  DTM queries  degrees (from: count)             storage  bytes/packet  " +
                "packets needed  attack must last");
            foreach (var s in report.Systems.Where(s => s.TsAses + s.BtsAses > 0))
            {
                string degrees = string.Join(' ', s.Degrees.Select(d => $"{d.Degree}:{d.Count}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Kind,-8}  {s.TsAses,7}  {s.BtsAses,8}  {s.BtmQueries,11}  {s.DtmQueries,11}  {degrees,-31}  {s.StorageBytes,9}  " +
                    $"{s.StorageBytesPerPacket,12:F1}  {s.PacketsNeeded,14}  {s.AttackMustLast}"));
            }
        }
        if (report.InterTrack.Unresolved.Count > 0)
        {
            output.WriteLine($"unresolved frontier (InterTrack): {string.Join(", ", report.InterTrack.Unresolved.Select(a => $"AS{a}"))}");
        }
    }

    private static string Share(double? value) => value is { } v ? v.ToString("P0", CultureInfo.InvariantCulture) : "n/a";

    private static object Method(MethodResult m) => new
    {
        originAses = m.OriginAses,
        reflectorAses = m.ReflectorAses,
        asPaths = m.AsPaths,
        messages = m.Messages,
        bytes = m.Bytes,
        asesAsked = m.AsesAsked,
        tsQueries = m.TsQueries,
        borderQueries = m.BorderQueries,
        elapsedMs = Math.Round(m.ElapsedMs, 1),
        recall = m.Recall,
        precision = m.Precision,
        unresolved = m.Unresolved,
        candidates = new { within1 = m.WithinCandidates(1), within2 = m.WithinCandidates(2), within5 = m.WithinCandidates(5), meanSize = m.MeanCandidates,
        perAttacker = m.CandidateSets },
    };
}
