using System.CommandLine;
using InterTrack.Emulation;
using InterTrack.Node.Topology;

namespace InterTrack.Cli;

/// <summary><c>intertrack topology generate</c>: an Internet-like AS topology in CAIDA's format.</summary>
internal static class TopologyCommand
{
    public static Command Create()
    {
        var ases = new Option<int>("--ases") { Description = "Number of ASes (at least 20).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same topology.", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo>("--out") { Description = "File to write (CAIDA AS-relationship format).", Required = true };
        var generate = new Command("generate", "Generate a topology after Elmokashfi et al. (tier-1 mesh, mid-level transit, content providers, stubs).")
        {
            ases, seed, output,
        };
        generate.SetAction(parsed =>
        {
            int n = parsed.GetValue(ases);
            if (n < 20)
            {
                throw new CommandException("--ases must be at least 20");
            }
            var (graph, tiers) = TopologyGenerator.Generate(n, parsed.GetValue(seed));
            var file = parsed.GetValue(output)!;
            using (var writer = new StreamWriter(file.FullName))
            {
                CaidaFormat.Write(graph, writer);
            }
            parsed.InvocationConfiguration.Output.WriteLine(
                $"{graph.Count} ASes ({tiers.Values.Count(t => t == AsTier.Tier1)} tier-1, {tiers.Values.Count(t => t == AsTier.Mid)} mid-level, " +
                $"{tiers.Values.Count(t => t == AsTier.ContentProvider)} content, {tiers.Values.Count(t => t == AsTier.Stub)} stubs), {graph.LinkCount} " +
                $"relationships → {file.FullName}");
            return 0;
        });
        return new Command("topology", "AS topologies for the emulator.") { generate };
    }
}
