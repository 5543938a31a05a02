using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using InterTrack.Emulation;
using InterTrack.Node.Topology;

namespace InterTrack.Cli;

/// <summary>
/// <c>intertrack topology generate</c>: an AS topology in CAIDA's format, and its statistics;
/// <c>intertrack topology stats</c>: the same statistics for any CAIDA AS-relationship file.
/// </summary>
internal static class TopologyCommand
{
    public static Command Create() => new("topology", "AS topologies for the emulator.") { Generate(), Stats() };

    private static Command Generate()
    {
        var ases = new Option<int>("--ases") { Description = "Number of ASes (at least 20).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same topology.", DefaultValueFactory = _ => 1 };
        var model = new Option<string>("--model")
        {
            Description = "realistic: the shape of CAIDA's measured AS graph; classic: after Elmokashfi et al., as in the figures published before.",
            DefaultValueFactory = _ => TopologyModels.Realistic,
        };
        model.AcceptOnlyFromAmong([.. TopologyModels.Names]);
        var output = new Option<FileInfo>("--out") { Description = "File to write (CAIDA AS-relationship format).", Required = true };
        var generate = new Command("generate", "Generate an AS topology and print its statistics (as 'topology stats' does).")
        {
            ases, seed, model, output,
        };
        generate.SetAction(parsed =>
        {
            int n = parsed.GetValue(ases);
            if (n < 20)
            {
                throw new CommandException("--ases must be at least 20");
            }
            var clock = Stopwatch.StartNew();
            var graph = TopologyModels.Generate(parsed.GetValue(model)!, n, parsed.GetValue(seed));
            var elapsed = clock.Elapsed;
            var file = parsed.GetValue(output)!;
            using (var writer = new StreamWriter(file.FullName))
            {
                CaidaFormat.Write(graph, writer);
            }
            var console = parsed.InvocationConfiguration.Output;
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{parsed.GetValue(model)} topology, {graph.LinkCount} relationships in {elapsed.TotalSeconds:F1} s → {file.FullName}"));
            Print(console, TopologyStatistics.Of(graph));
            return 0;
        });
        return generate;
    }

    private static Command Stats()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A CAIDA AS-relationship file (A|B|-1 provider–customer, A|B|0 peers)." };
        var stats = new Command("stats", "Print a topology's ASes, links, multihoming, stubs without peers and largest customer cones.") { file };
        stats.SetAction(parsed =>
        {
            string path = parsed.GetValue(file)!.FullName;
            if (!File.Exists(path))
            {
                throw new CommandException($"{path}: no such file; give a CAIDA AS-relationship file");
            }
            AsGraph graph;
            try
            {
                graph = CaidaFormat.Read(path);
            }
            catch (FormatException e)
            {
                throw new CommandException($"{path}: {e.Message}", e);
            }
            Print(parsed.InvocationConfiguration.Output, TopologyStatistics.Of(graph));
            return 0;
        });
        return stats;
    }

    private static void Print(TextWriter output, TopologyStatistics statistics)
    {
        foreach (string line in statistics.Lines())
        {
            output.WriteLine(line);
        }
    }
}
