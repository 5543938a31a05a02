using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using InterTrack.Emulation;
using InterTrack.Lab;
using InterTrack.Node.Kinds;

namespace InterTrack.Cli;

/// <summary>
/// <c>intertrack lab</c>: a small real Internet in network namespaces (BIRD, live capture, IPFIX,
/// the daemons over mutual TLS), attacked with forged packets and traced with the real client.
/// </summary>
internal static class LabCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var lab = new Command("lab", "A small real Internet on this machine (root): one network namespace per router, BGP with BIRD, "
            + "packet digests or IPFIX in every AS, the intertrack daemons, a forged-source attack and a real trace. See docs/lab.md.");
        lab.Subcommands.Add(Up());
        lab.Subcommands.Add(Attack());
        lab.Subcommands.Add(Trace());
        lab.Subcommands.Add(Down());
        lab.Subcommands.Add(RunAll());
        return lab;
    }

    private sealed class Where
    {
        public Option<string> Id { get; } = new("--lab") { Description = "The lab id (1-8 lowercase letters and digits): its namespaces are named ID-as…; " +
            "later commands take the id saved in --dir.", DefaultValueFactory = _ => LabOptions.DefaultId };
        public Option<DirectoryInfo?> Dir { get; } = new("--dir") { Description = "Where the lab's configurations, certificates, evidence, captures and logs " +
            "go (default /tmp/intertrack-lab-ID)." };

        public void AddTo(Command command)
        {
            command.Options.Add(Id);
            command.Options.Add(Dir);
        }

        public string Directory(ParseResult parsed) => parsed.GetValue(Dir)?.FullName ?? $"/tmp/intertrack-lab-{parsed.GetValue(Id)}";

        /// <summary>The id given with --lab; null when left out (the lab in --dir says which it is).</summary>
        public string? GivenId(ParseResult parsed) => parsed.GetResult(Id) is { Implicit: false } ? parsed.GetValue(Id) : null;
    }

    private sealed class UpOptions
    {
        public Option<int> Ases { get; } = new("--ases") { Description = "ASes of a generated topology (3 to 200; each runs a node " +
            "and BIRD per router: about 40 fit on 2 cores, starting in 2 minutes).", DefaultValueFactory = _ => 10 };
        public Option<FileInfo?> Topology { get; } = new("--topology") { Description = "A CAIDA as-rel file instead of a generated topology." };
        public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the generated topology and of the ASes drawn by --share.",
            DefaultValueFactory = _ => 1 };

        /// <summary>One option per kind the lab deploys, named after it, and --none.</summary>
        public Dictionary<string, Option<string?>> Systems { get; } = TracebackKinds.All.InLab
            .Select(k => (k.Name, Description: $"These ASes run {k.Name} (AS,AS,...): {k.Lab!.Description}" +
                (k == TracebackKinds.All.InLab[0] ? "; the default for the ASes not named or drawn." : ".")))
            .Append((Name: KindRegistry.None, Description: "These ASes run no traceback system (AS,AS,...): their ITM answers as the seed's stub."))
            .ToDictionary(k => k.Name, k => new Option<string?>($"--{k.Name}") { Description = k.Description });

        public Option<string?> Shares { get; } = new("--share")
        {
            Description = "Shares of the ASes (not the victim's, not the two-router transit, not those named) drawn to run a kind, " +
                $"KIND=SHARE,... (default: {string.Join(",", TracebackKinds.All.InLab.Skip(1).Select(k => $"{k.Name}={Format(k.Lab!.DefaultShare)}"))}); " +
                $"the rest run {TracebackKinds.All.InLab[0].Name}.",
        };

        public Option<uint?> Victim { get; } = new("--victim") { Description = "The victim's AS (default: the highest-numbered stub)." };

        public void AddTo(Command command)
        {
            foreach (var option in (Option[])[Ases, Topology, Seed, .. Systems.Values, Shares, Victim])
            {
                command.Options.Add(option);
            }
        }

        public LabOptions Read(ParseResult parsed, string id, string directory) => new()
        {
            Id = id,
            Directory = directory,
            Ases = parsed.GetValue(Ases),
            TopologyFile = parsed.GetValue(Topology)?.FullName,
            Seed = parsed.GetValue(Seed),
            Systems = Systems.Where(s => parsed.GetValue(s.Value) is not null)
                .ToDictionary(s => s.Key, s => (IReadOnlyList<uint>)AsList(parsed.GetValue(s.Value)!, $"--{s.Key}")),
            Shares = parsed.GetValue(Shares) is { } shares ? ReadShares(shares) : new Dictionary<string, double>(),
            Victim = parsed.GetValue(Victim),
        };

        private static Dictionary<string, double> ReadShares(string text)
        {
            var shares = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = part.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || !double.TryParse(part[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double share))
                {
                    throw new CommandException($"--share: '{part}' is not KIND=SHARE (such as flow=0.3)");
                }
                if (!shares.TryAdd(part[..equals], share))
                {
                    throw new CommandException($"--share: {part[..equals]} is given twice");
                }
            }
            return shares.Count > 0 ? shares : throw new CommandException("--share: no KIND=SHARE given (such as flow=0.3)");
        }

        private static string Format(double share) => share.ToString(CultureInfo.InvariantCulture);
    }

    private sealed class AttackOptions
    {
        public Option<string?> From { get; } = new("--from") { Description = "Attacker ASes (AS,AS,...); default: the lab's three picked at 'up'." };
        public Option<int> Packets { get; } = new("--packets") { Description = "Forged packets per attacker (UDP and TCP SYN, alternating).",
            DefaultValueFactory = _ => 100 };
        public Option<double> Rate { get; } = new("--rate") { Description = "Packets per second per attacker.", DefaultValueFactory = _ => 200 };

        public void AddTo(Command command)
        {
            command.Options.Add(From);
            command.Options.Add(Packets);
            command.Options.Add(Rate);
        }

        public (IReadOnlyList<uint>? From, int Packets, double Rate) Read(ParseResult parsed)
        {
            int packets = parsed.GetValue(Packets);
            double rate = parsed.GetValue(Rate);
            if (packets is < 1 or > 100_000)
            {
                throw new CommandException($"--packets: {packets}: must be from 1 to 100000");
            }
            if (rate is < 1 or > 100_000 || double.IsNaN(rate))
            {
                throw new CommandException($"--rate: {rate}: must be from 1 to 100000 packets per second");
            }
            return (parsed.GetValue(From) is { } from ? AsList(from, "--from") : null, packets, rate);
        }
    }

    private static Command Up()
    {
        var where = new Where();
        var up = new UpOptions();
        var command = new Command("up", "Build the lab and start BGP and the daemons; returns when BGP has converged and every daemon runs.");
        where.AddTo(command);
        up.AddTo(command);
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var options = up.Read(parsed, parsed.GetValue(where.Id)!, where.Directory(parsed));
            Guard(() => new TracebackLab(Self(), output, TracebackKinds.All).Up(options));
            output.WriteLine($"next: intertrack lab attack{Flags(where, parsed)}, then intertrack lab trace{Flags(where, parsed)}");
            return 0;
        });
        return command;
    }

    private static Command Attack()
    {
        var where = new Where();
        var attack = new AttackOptions();
        var command = new Command("attack", "Send forged-source packets from attacker hosts to the victim, which captures them to DIR/victim.pcap.");
        where.AddTo(command);
        attack.AddTo(command);
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var (from, packets, rate) = attack.Read(parsed);
            Guard(() =>
            {
                var plan = LabPlan.Load(where.Directory(parsed), where.GivenId(parsed));
                return new TracebackLab(Self(), output, TracebackKinds.All).Attack(plan, from ?? plan.DefaultAttackers, packets, rate);
            });
            return 0;
        });
        return command;
    }

    private static Command Trace()
    {
        var where = new Where();
        var json = new Option<bool>("--json") { Description = "Print the trace's JSON with recall and precision." };
        var svg = SvgOption();
        var command = new Command("trace",
            "Trace the victim's capture with 'intertrack trace' against the victim's D Point; print the attack tree, recall and precision. Exit 0 when " +
            "every attacker AS was found.")
        {
            json, svg,
        };
        where.AddTo(command);
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            OutputFile.CheckWritable(parsed.GetValue(svg), "--svg");
            var (plan, trace, attack) = Guard(() =>
            {
                var plan = LabPlan.Load(where.Directory(parsed), where.GivenId(parsed));
                var attack = LabAttack.Load(plan.Directory);
                return (plan, new TracebackLab(Self(), output, TracebackKinds.All).Trace(plan), attack);
            });
            WritePicture(parsed.GetValue(svg), plan, attack, trace, output);
            if (parsed.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(new { truth = attack.From, originAses = trace.OriginAses, trace.Recall, trace.Precision,
                    result = trace.Result }, Indented));
            }
            else
            {
                PrintTrace(output, attack, trace);
            }
            return trace.Recall >= 1 ? 0 : 1;
        });
        return command;
    }

    private static Command Down()
    {
        var where = new Where();
        var keep = new Option<bool>("--keep-files") { Description = "Keep the lab's directory (configurations, logs, captures)." };
        var command = new Command("down",
            "Stop every process of the lab and remove its namespaces (also after a crash: they are found by the lab id) and its files.")
        {
            keep,
        };
        where.AddTo(command);
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            Guard(() =>
            {
                var lab = new TracebackLab(Self(), output, TracebackKinds.All);
                lab.EnsureRootAndTools("ip");
                string directory = where.Directory(parsed);
                lab.Down(LabPlan.IdOf(directory, where.GivenId(parsed), parsed.GetResult(where.Dir) is { Implicit: false }), directory,
                    parsed.GetValue(keep));
                return 0;
            });
            return 0;
        });
        return command;
    }

    private static Command RunAll()
    {
        var where = new Where();
        var up = new UpOptions();
        var attack = new AttackOptions();
        var json = new Option<FileInfo?>("--json") { Description = "Also write the outcome as JSON: truth, originAses, asPaths, recall, precision, sent, " +
            "capturedAtVictim, bgpConvergedSeconds, elapsedSeconds." };
        var keep = new Option<bool>("--keep-files") { Description = "Keep the lab's directory after taking the lab down." };
        var svg = SvgOption();
        var command = new Command("run",
            "Up, attack, trace and down in one go; prints the attack tree, the truth, recall and precision. Exit 0 when every attacker AS was found.")
        {
            json, svg, keep,
        };
        where.AddTo(command);
        up.AddTo(command);
        attack.AddTo(command);
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var jsonFile = parsed.GetValue(json);
            OutputFile.CheckWritable(jsonFile, "--json");
            OutputFile.CheckWritable(parsed.GetValue(svg), "--svg");
            var options = up.Read(parsed, parsed.GetValue(where.Id)!, where.Directory(parsed));
            var (from, packets, rate) = attack.Read(parsed);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var lab = new TracebackLab(Self(), output, TracebackKinds.All);
            var (plan, attacked, trace) = Guard(() =>
            {
                var plan = lab.Up(options); // a refused or failed start leaves whatever ran before as it was
                try
                {
                    var attacked = lab.Attack(plan, from ?? plan.DefaultAttackers, packets, rate);
                    var trace = lab.Trace(plan);
                    PrintTrace(output, attacked, trace);
                    WritePicture(parsed.GetValue(svg), plan, attacked, trace, output);
                    return (plan, attacked, trace);
                }
                finally
                {
                    lab.Down(plan.Id, plan.Directory, parsed.GetValue(keep));
                }
            });
            output.WriteLine($"elapsed: {clock.Elapsed.TotalSeconds:0.0} s");
            if (jsonFile is not null)
            {
                File.WriteAllText(jsonFile.FullName, JsonSerializer.Serialize(new
                {
                    truth = attacked.From,
                    originAses = trace.OriginAses,
                    asPaths = trace.Result.GetProperty("asPaths"),
                    bgpPaths = attacked.BgpPaths,
                    recall = trace.Recall,
                    precision = trace.Precision,
                    sent = attacked.Sent,
                    capturedAtVictim = attacked.CapturedAtVictim,
                    bgpConvergedSeconds = Math.Round(plan.BgpConvergedSeconds, 2),
                    elapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
                    ases = trace.Result.GetProperty("ases"),
                }, Indented));
            }
            return trace.Recall >= 1 ? 0 : 1;
        });
        return command;
    }

    private static Option<FileInfo?> SvgOption() => new("--svg") { Description = "Also draw the attack tree as SVG into this file." };

    private static void WritePicture(FileInfo? file, LabPlan plan, LabAttack attack, LabTrace trace, TextWriter output)
    {
        if (file is not null)
        {
            File.WriteAllText(file.FullName, AttackPicture.Svg(plan.Victim, attack.From, trace.AsPaths, trace.OriginAses, trace.UnresolvedAses, trace.Recall,
                trace.Precision));
            output.WriteLine($"picture: {file.FullName}");
        }
    }

    private static void PrintTrace(TextWriter output, LabAttack attack, LabTrace trace)
    {
        output.Write(trace.Tree);
        output.WriteLine($"truth: {string.Join(", ", attack.From.Select(a => $"AS{a}"))}; found: " +
            $"{(trace.OriginAses.Count == 0 ? "none" : string.Join(", ", trace.OriginAses.Select(a => $"AS{a}")))}");
        output.WriteLine($"recall {TracebackLab.Format(trace.Recall)}, precision {TracebackLab.Format(trace.Precision)}; packets sent {attack.Sent}, " +
            $"captured at the victim {attack.CapturedAtVictim}");
    }

    private static string Flags(Where where, ParseResult parsed) =>
        (parsed.GetValue(where.Id) is LabOptions.DefaultId ? "" : $" --lab {parsed.GetValue(where.Id)}")
        + (parsed.GetValue(where.Dir) is { } dir ? $" --dir {dir.FullName}" : "");

    private static List<uint> AsList(string text, string option)
    {
        var list = new List<uint>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string digits = part.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? part[2..] : part;
            if (!uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out uint a) || a == 0)
            {
                throw new CommandException($"{option}: '{part}' is not an AS number");
            }
            list.Add(a);
        }
        return list.Count > 0 ? list : throw new CommandException($"{option}: no AS given");
    }

    private static T Guard<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (LabException e)
        {
            throw new CommandException(e.Message, e);
        }
    }

    /// <summary>How to start this very intertrack: its executable, or dotnet and its dll when run through dotnet.</summary>
    private static string[] Self()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, typeof(LabCommand).Assembly.Location] : [process];
    }
}
