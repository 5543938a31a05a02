using System.Text.Json.Serialization;
using InterTrack.Digest;

namespace InterTrack.Emulation;

/// <summary>
/// An emulation scenario (docs/emulation.md): a topology, a victim, attackers, how much of the
/// Internet runs InterTrack, and the transport. Relative paths are relative to the file.
/// </summary>
public sealed record Scenario
{
    public int Seed { get; init; } = 1;
    public TopologySpec Topology { get; init; } = new();
    public VictimSpec Victim { get; init; } = new();
    public List<AttackerSpec> Attackers { get; init; } = [];
    public int PacketsPerAttacker { get; init; } = 50;
    /// <summary>How long before the trace the attack stopped (0: it is still on). Link testing finds only attacks on within its window.</summary>
    public double AttackEndedSecondsAgo { get; init; }
    /// <summary>Packets of legitimate traffic to the victim from other ASes, mixed in.</summary>
    public int BackgroundPackets { get; init; } = 1000;
    public DeploymentSpec Deployment { get; init; } = new();
    /// <summary>"memory" (in-process, XML on every hop) or "tls".</summary>
    public string Transport { get; init; } = "memory";
    /// <summary>Attack packets the victim's client traces (a random sample of those received).</summary>
    public int TracedPackets { get; init; } = 200;

    /// <exception cref="FormatException">Not valid JSON or a field is wrong; the message names the field.</exception>
    public static Scenario Load(string path)
    {
        var scenario = JsonFile.Load<Scenario>(path);
        if (scenario.Topology.AsRel is { } rel)
        {
            scenario = scenario with { Topology = scenario.Topology with { AsRel = Path.GetFullPath(rel, Path.GetDirectoryName(Path.GetFullPath(path))!) } };
        }
        scenario.Validate();
        return scenario;
    }

    public void Validate()
    {
        Require((Topology.AsRel is null) != (Topology.Generate is null), "topology", "give either \"asRel\" or \"generate\"");
        Require(Topology.Generate is null || Topology.Generate.Ases >= 20, "topology.generate.ases", "must be at least 20");
        Require(Topology.AsRel is null || File.Exists(Topology.AsRel), "topology.asRel", $"no such file {Topology.AsRel}");
        Require(Attackers.Count > 0, "attackers", "name at least one attacker AS or a count");
        for (int i = 0; i < Attackers.Count; i++)
        {
            Require((Attackers[i].As is null) != (Attackers[i].Count is null), $"attackers[{i}]", "give either \"as\" (with \"hosts\") or \"count\"");
            Require(Attackers[i].Count is null or > 0, $"attackers[{i}].count", "must be positive");
            Require(Attackers[i].Hosts > 0, $"attackers[{i}].hosts", "must be positive");
        }
        Require(PacketsPerAttacker > 0, "packetsPerAttacker", "must be positive");
        Require(BackgroundPackets >= 0, "backgroundPackets", "must not be negative");
        Require(TracedPackets > 0, "tracedPackets", "must be positive");
        int maxFootmarks = new Protocol.ProtocolLimits().MaxFootmarks;
        Require(TracedPackets <= maxFootmarks, "tracedPackets", $"at most {maxFootmarks}: the ITMs carry the packets in one message, and that is the protocol's limit of footmarks per message");
        Deployment.Bts.Validate("deployment.bts");
        Deployment.Ts.Validate("deployment.ts");
        Require(DeploymentOrder.Strategies.Contains(Deployment.Strategy), "deployment.strategy", $"must be one of: {string.Join(", ", DeploymentOrder.Strategies)}");
        Require(Deployment.FlowSampling >= 1, "deployment.flowSampling", "must be 1 (every packet) or more (1 in N)");
        Require(DigestSchemes.TryParse(Deployment.Hash, out _), "deployment.hash", "must be \"xxh3\" or \"packter-md5\"");
        Require(Deployment.LinkTestWindowSeconds > 0, "deployment.linkTestWindowSeconds", "must be positive");
        Require(Deployment.Marking is "dpm" or "ppm", "deployment.marking", "must be \"dpm\" or \"ppm\"");
        Require(Deployment.MarkingProbability is > 0 and < 1, "deployment.markingProbability", "must be between 0 and 1");
        Require(AttackEndedSecondsAgo >= 0, "attackEndedSecondsAgo", "must not be negative");
        foreach (var (asText, o) in Deployment.Overrides)
        {
            Require(uint.TryParse(asText, out _), $"deployment.overrides.{asText}", "keys must be AS numbers");
            Require(o.Ts is null || KindMix.Kinds.Contains(o.Ts), $"deployment.overrides.{asText}.ts", $"must be one of {string.Join(", ", KindMix.Kinds)}");
            Require(o.Bts is null || KindMix.Kinds.Contains(o.Bts), $"deployment.overrides.{asText}.bts", $"must be one of {string.Join(", ", KindMix.Kinds)}, true or false");
            Require(o.Hash is null || DigestSchemes.TryParse(o.Hash, out _), $"deployment.overrides.{asText}.hash", "must be \"xxh3\" or \"packter-md5\"");
        }
        Require(Transport is "memory" or "tls", "transport", "must be \"memory\" or \"tls\"");
    }

    private static void Require(bool ok, string field, string problem)
    {
        if (!ok)
        {
            throw new FormatException($"{field}: {problem}");
        }
    }
}

public sealed record TopologySpec
{
    public string? AsRel { get; init; }
    public GenerateSpec? Generate { get; init; }
}

public sealed record GenerateSpec
{
    public int Ases { get; init; }
}

public sealed record VictimSpec
{
    /// <summary>The victim's AS; null picks a stub AS with the seed.</summary>
    [JsonPropertyName("as")] public uint? As { get; init; }
}

public sealed record AttackerSpec
{
    [JsonPropertyName("as")] public uint? As { get; init; }
    public int Hosts { get; init; } = 1;
    /// <summary>Instead of an AS: this many attacker ASes chosen with the seed.</summary>
    public int? Count { get; init; }
}

public sealed record DeploymentSpec
{
    /// <summary>Which border traceback system how many ASes run (chosen with the seed); the rest run stubs.</summary>
    public KindMix Bts { get; init; } = KindMix.Only("digest");
    /// <summary>Which traceback system inside how many ASes (chosen with the seed); the rest run stubs.</summary>
    public KindMix Ts { get; init; } = KindMix.Only("digest");
    /// <summary>Which ASes get the shares first: "random", "core-first", "stubs-first" or "tier1-and-stubs" (<see cref="DeploymentOrder"/>).</summary>
    public string Strategy { get; init; } = "random";
    /// <summary>ITMs ask the deployed ASes behind an AS that runs nothing (true), or only name the candidates behind it (false).</summary>
    public bool SkipOver { get; init; } = true;
    /// <summary>Flow ASes' routers export 1 in this many packets (1: every packet).</summary>
    public int FlowSampling { get; init; } = 1;
    /// <summary>How marking ASes mark: "dpm" (deterministic, at the ingress edge) or "ppm" (edge sampling at every router, <see cref="MarkingProbability"/>).</summary>
    public string Marking { get; init; } = "dpm";
    public double MarkingProbability { get; init; } = 1.0 / 25;
    /// <summary>Link testing ASes see a link carry the attack when matching packets crossed it this recently.</summary>
    public double LinkTestWindowSeconds { get; init; } = 10;
    /// <summary>What digest ASes key their tables by: "xxh3" (the packet's invariant bytes) or "packter-md5" (the historic client's MD5 of it).</summary>
    public string Hash { get; init; } = "xxh3";
    public Dictionary<string, DeploymentOverride> Overrides { get; init; } = [];

    /// <summary>The digest scheme of an AS: its override, else <see cref="Hash"/> (both validated).</summary>
    public DigestScheme HashOf(uint asNumber)
    {
        string? text = Overrides.TryGetValue(asNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), out var o) ? o.Hash ?? Hash : Hash;
        return DigestSchemes.TryParse(text, out var scheme) ? scheme : throw new FormatException($"deployment.hash: unknown scheme \"{text}\"");
    }
}

public sealed record DeploymentOverride
{
    /// <summary>"digest", "flow" or "none" (true and false mean digest and none).</summary>
    [JsonConverter(typeof(KindNameConverter))] public string? Bts { get; init; }
    /// <summary>"digest", "flow" or "none".</summary>
    public string? Ts { get; init; }
    /// <summary>"xxh3" or "packter-md5".</summary>
    public string? Hash { get; init; }
}
