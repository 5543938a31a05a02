using InterTrack.Node.Topology;
namespace InterTrack.Emulation;

/// <summary>
/// The generators a scenario's <c>topology.generate.model</c> and <c>topology generate --model</c>
/// name: <c>realistic</c> (<see cref="RealisticTopologyGenerator"/>, the default) and <c>classic</c>
/// (<see cref="TopologyGenerator"/>, the model of the figures published before it; name it to reproduce them).
/// </summary>
public static class TopologyModels
{
    public const string Realistic = "realistic", Classic = "classic";

    public static IReadOnlyList<string> Names { get; } = [Realistic, Classic];

    /// <exception cref="ArgumentException">Not one of <see cref="Names"/>.</exception>
    public static AsGraph Generate(string model, int ases, int seed) => model switch
    {
        Realistic => RealisticTopologyGenerator.Generate(ases, seed),
        Classic => TopologyGenerator.Generate(ases, seed).Graph,
        _ => throw new ArgumentException($"unknown topology model '{model}': one of {string.Join(", ", Names)}", nameof(model)),
    };
}
