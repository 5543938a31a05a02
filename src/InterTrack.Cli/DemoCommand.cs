using System.CommandLine;
using InterTrack.Emulation;

namespace InterTrack.Cli;

/// <summary>
/// <c>intertrack demo</c>: the README's main job. A DDoS from 10 ASes on a generated Internet of
/// 300 ASes with InterTrack deployed everywhere, traced by the victim; prints the attack tree and
/// the comparison with the RID-style baseline, and draws the picture. The ITMs talk mutual TLS on
/// loopback.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var picture = new Option<FileInfo>("--svg") { Description = "Where to draw the attack tree.",
            DefaultValueFactory = _ => new FileInfo("intertrack-demo.svg") };
        var captures = new Option<DirectoryInfo>("--captures") { Description = "Instead: write the captures docs/configuration.md's walkthrough traces " +
            "(attack.pcap, exports-65003.pcap), timed now, into this directory." };
        var command = new Command("demo", "Attack an emulated Internet of 300 ASes from 10 ASes and trace the attack back with InterTrack.") { picture,
            captures };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            if (parsed.GetValue(captures) is { } directory)
            {
                var (attack, exports) = WalkthroughCaptures.Write(directory.FullName);
                output.WriteLine($"attack: {attack} ({WalkthroughCaptures.Packets} packets from AS65003's hosts to 203.0.113.7)");
                output.WriteLine($"exports: {exports} (the IPFIX AS65003's router 127.0.0.1 sent about them)");
                return 0;
            }
            OutputFile.CheckWritable(parsed.GetValue(picture), "--svg");
            var scenario = new Scenario
            {
                Seed = 2026,
                Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 300, Model = TopologyModels.Classic } },
                Attackers = [new AttackerSpec { Count = 10 }],
                PacketsPerAttacker = 50,
                BackgroundPackets = 2000,
                TracedPackets = 200,
                Transport = "tls",
            };
            output.WriteLine("InterTrack demo: 300 ASes, a DDoS from 10 of them with forged sources, InterTrack deployed everywhere, ITMs on mutual TLS.");
            var report = await Emulator.RunAsync(scenario, TracebackKinds.All, line => { output.WriteLine($"· {line}"); output.Flush(); }, cancellationToken);
            output.WriteLine();
            output.WriteLine("The attack tree InterTrack traced (victim first):");
            PrintTree(output, report.VictimAs, report.InterTrack.AsPaths, report.InterTrack.OriginAses.ToHashSet());
            output.WriteLine();
            EmulateCommand.PrintComparison(output, report);
            var file = parsed.GetValue(picture)!;
            File.WriteAllText(file.FullName, AttackPicture.Svg(report, report.InterTrack));
            output.WriteLine();
            output.WriteLine($"picture: {file.FullName}");
            return 0;
        });
        return command;
    }

    private static void PrintTree(TextWriter output, uint victim, IReadOnlyList<IReadOnlyList<uint>> paths, HashSet<uint> sources)
    {
        var children = new Dictionary<uint, SortedSet<uint>>();
        foreach (var path in paths)
        {
            for (int i = 1; i < path.Count; i++)
            {
                (children.TryGetValue(path[i - 1], out var set) ? set : children[path[i - 1]] = []).Add(path[i]);
            }
        }
        void Write(uint a, string indent, bool last, bool root)
        {
            output.WriteLine($"{indent}{(root ? "" : last ? "└─ " : "├─ ")}AS{a}{(a == victim ? "  (victim)" : sources.Contains(a) ? "  source" : "")}");
            var next = children.TryGetValue(a, out var set) ? set.ToList() : [];
            for (int i = 0; i < next.Count; i++)
            {
                Write(next[i], root ? "" : indent + (last ? "   " : "│  "), i == next.Count - 1, false);
            }
        }
        Write(victim, "", true, true);
    }
}
