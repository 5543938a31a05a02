using System.Text.Json;
using System.Text.Json.Serialization;
using InterTrack.Node;
using InterTrack.Node.Kinds;

namespace InterTrack.Emulation;

/// <summary>
/// An emulation scenario (docs/emulation.md): a topology, a victim, attackers, how much of the
/// Internet runs InterTrack, and the transport. Relative paths are relative to the file.
/// </summary>
public sealed record Scenario
{
    public int Seed { get; init; } = 1;
    public TopologySpec Topology { get; init; } = new();
    // Only this project reads the victim and the deployment's mixes and overrides; JsonInclude binds them although they are internal.
    [JsonInclude] internal VictimSpec Victim { get; init; } = new();
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
    /// <summary>When set, the attackers send forged requests to reflectors, which answer the victim (docs/reflection.md).</summary>
    [JsonInclude] internal ReflectionSpec? Reflection { get; init; }

    /// <param name="kinds">The kinds of traceback system its shares may name; their settings are the deployment's too.</param>
    /// <exception cref="FormatException">Not valid JSON or a field is wrong; the message names the field.</exception>
    public static Scenario Load(string path, KindRegistry kinds)
    {
        var scenario = JsonFile.Load<Scenario>(path);
        if (scenario.Topology.AsRel is { } rel)
        {
            scenario = scenario with { Topology = scenario.Topology with { AsRel = Path.GetFullPath(rel, Path.GetDirectoryName(Path.GetFullPath(path))!) } };
        }
        try
        {
            scenario = scenario.Resolve(kinds);
            foreach (var model in scenario.Validate(kinds).Values)
            {
                model.Dispose();
            }
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e); // named like the file's own errors, so the user knows which file
        }
        return scenario;
    }

    /// <summary>
    /// The same scenario with its kinds named as <paramref name="kinds"/> name them (<see cref="KindMix.Resolve"/>):
    /// the default kind where it says none.
    /// </summary>
    public Scenario Resolve(KindRegistry kinds) => this with
    {
        Deployment = Deployment with
        {
            Bts = Deployment.Bts.Resolve(kinds),
            Ts = Deployment.Ts.Resolve(kinds),
            Overrides = Deployment.Overrides.ToDictionary(o => o.Key, o => o.Value with
            {
                Bts = o.Value.Bts == KindMix.DefaultKind ? kinds.Default.Name : o.Value.Bts,
                Ts = o.Value.Ts == KindMix.DefaultKind ? kinds.Default.Name : o.Value.Ts,
            }),
        },
    };

    /// <summary>Checks the scenario (resolved, <see cref="Resolve"/>) and binds each kind's model to its settings.</summary>
    /// <returns>The models, in the order the kinds are registered; the caller owns them.</returns>
    /// <exception cref="FormatException">A field is wrong; the message names it.</exception>
    public OrderedDictionary<string, IEmulationModel> Validate(KindRegistry kinds)
    {
        Require((Topology.AsRel is null) != (Topology.Generate is null), "topology", "give either \"asRel\" or \"generate\"");
        Require(Topology.Generate is null || Topology.Generate.Ases >= 20, "topology.generate.ases", "must be at least 20");
        Require(Topology.Generate is null || TopologyModels.Names.Contains(Topology.Generate.Model), "topology.generate.model",
            $"must be one of: {string.Join(", ", TopologyModels.Names)}");
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
        Require(TracedPackets <= maxFootmarks, "tracedPackets",
            $"at most {maxFootmarks}: the ITMs carry the packets in one message, and that is the protocol's limit of footmarks per message");
        Deployment.Bts.Validate("deployment.bts", kinds);
        Deployment.Ts.Validate("deployment.ts", kinds);
        Require(DeploymentOrder.Strategies.Contains(Deployment.Strategy), "deployment.strategy",
            $"must be one of: {string.Join(", ", DeploymentOrder.Strategies)}");
        Require(Deployment.SkipOverBound > 0, "deployment.skipOverBound", "must be positive (use \"skipOver\": false to ask none)");
        Require(AttackEndedSecondsAgo >= 0, "attackEndedSecondsAgo", "must not be negative");
        var names = kinds.Emulated.Select(k => k.Name).Append(KindRegistry.None).ToList();
        foreach (var (asText, o) in Deployment.Overrides)
        {
            Require(uint.TryParse(asText, out _), $"deployment.overrides.{asText}", "keys must be AS numbers");
            Require(o.Ts is null || names.Contains(o.Ts), $"deployment.overrides.{asText}.ts", $"must be one of {string.Join(", ", names)}");
            Require(o.Bts is null || names.Contains(o.Bts), $"deployment.overrides.{asText}.bts", $"must be one of {string.Join(", ", names)}, true or false");
        }
        Require(Transport is "memory" or "tls", "transport", "must be \"memory\" or \"tls\"");
        Reflection?.Validate();
        var settings = new ScenarioSettings(Deployment.Settings,
            Deployment.Overrides.ToDictionary(o => o.Key, o => (IReadOnlyDictionary<string, JsonElement>)o.Value.Settings));
        var models = new OrderedDictionary<string, IEmulationModel>(StringComparer.Ordinal);
        try
        {
            foreach (var kind in kinds.Emulated)
            {
                models[kind.Name] = kind.Emulation!.Model(settings);
            }
            foreach (var field in settings.Unclaimed())
            {
                var own = field.StartsWith("deployment.overrides.", StringComparison.Ordinal)
                    ? JsonFile.Fields<DeploymentOverride>() : JsonFile.Fields<DeploymentSpec>();
                Require(false, field, $"not a setting of the deployment ({string.Join(", ", own)}) nor of a kind of system " +
                    $"({string.Join(", ", settings.Claimed)})");
            }
        }
        catch
        {
            foreach (var model in models.Values)
            {
                model.Dispose();
            }
            throw;
        }
        return models;
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
    /// <summary>The generator: "realistic" or "classic" (<see cref="TopologyModels"/>).</summary>
    public string Model { get; init; } = TopologyModels.Realistic;
}

internal sealed record VictimSpec
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
    [JsonInclude] internal KindMix Bts { get; init; } = KindMix.Only(KindMix.DefaultKind);
    /// <summary>Which traceback system inside how many ASes (chosen with the seed); the rest run stubs.</summary>
    [JsonInclude] internal KindMix Ts { get; init; } = KindMix.Only(KindMix.DefaultKind);
    /// <summary>Which ASes get the shares first: "random", "core-first", "stubs-first" or "tier1-and-stubs" (<see cref="DeploymentOrder"/>).</summary>
    public string Strategy { get; init; } = "random";
    /// <summary>ITMs ask the deployed ASes behind an AS that runs nothing (true), or only name the candidates behind it (false).</summary>
    public bool SkipOver { get; init; } = true;
    /// <summary>At most this many deployed ASes an ITM asks behind one AS that runs nothing (<c>SkipOverSettings.MaxTargets</c>).</summary>
    public int SkipOverBound { get; init; } = Node.Managers.SkipOverSettings.DefaultMaxTargets;
    /// <summary>
    /// Deployed ASes whose borders see spoofed packets come in from their hosts, customers or peers tell the victim's ITM
    /// (<c>SpoofNotice</c>), and skip-over asks only the ASes on those notifiers' routes (true); false: nobody sends any.
    /// </summary>
    public bool SpoofNotices { get; init; } = true;
    [JsonInclude] internal Dictionary<string, DeploymentOverride> Overrides { get; init; } = [];

    /// <summary>
    /// The kinds' settings (<see cref="ScenarioSettings"/>: flow records' <c>flowSampling</c>, marking's
    /// <c>marking</c>, …; docs/emulation.md), read by the kinds.
    /// </summary>
    [JsonExtensionData] public Dictionary<string, JsonElement> Settings { get; init; } = [];
}

internal sealed record DeploymentOverride
{
    /// <summary>A kind's name or "none" (true and false mean the default kind and none).</summary>
    [JsonConverter(typeof(KindNameConverter))] public string? Bts { get; init; }
    /// <summary>A kind's name or "none".</summary>
    public string? Ts { get; init; }
    /// <summary>The kinds' settings for this AS (digests' <c>hash</c>), read by the kinds.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement> Settings { get; init; } = [];
}
