using System.Net;
using InterTrack.Emulation;
using InterTrack.Packets.Reflection;
using InterTrack.Tests.Kinds;

namespace InterTrack.Tests.Emulation;

/// <summary>Reflection in the emulator: forged requests to reflectors, their answers traced through the amplifier to the forging ASes.</summary>
public sealed class ReflectionEmulationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("intertrack-reflection-").FullName;

    /// <summary>
    /// 1 is the victim, 2 its provider, 3 the top; 4 (a customer of 3) is the reflector 5's provider; attacker 7 sits behind 6 (a customer
    /// of 3), attacker 8 is a customer of 2; 9 is a bystander. Requests: 7 → 6 → 3 → 4 → 5 and 8 → 2 → 3 → 4 → 5; answers 5 → 4 → 3 → 2 → 1.
    /// </summary>
    private string Topology()
    {
        string path = Path.Combine(_directory, "small.as-rel");
        File.WriteAllText(path, "2|1|-1\n3|2|-1\n3|4|-1\n4|5|-1\n3|6|-1\n6|7|-1\n2|8|-1\n3|9|-1\n");
        return path;
    }

    private Scenario Reflected(string protocol = "dns", string transport = "memory", Dictionary<string, DeploymentOverride>? overrides = null) => new()
    {
        Transport = transport,
        Topology = new TopologySpec { AsRel = Topology() },
        Victim = new VictimSpec { As = 1 },
        Attackers = [new AttackerSpec { As = 7 }, new AttackerSpec { As = 8 }],
        PacketsPerAttacker = 20,
        BackgroundPackets = 50,
        TracedPackets = 40,
        Reflection = new ReflectionSpec { Protocol = System.Text.Json.JsonDocument.Parse($"\"{protocol}\"").RootElement, Ases = [5] },
        Deployment = new DeploymentSpec { Overrides = overrides ?? [] },
    };

    [Theory]
    [InlineData("dns", 20)]
    [InlineData("memcached", 20)]
    [InlineData("ntp", 5)]
    public async Task The_attackers_requests_carry_the_victims_address_to_the_reflector_and_its_larger_answers_reach_the_victim(string protocol,
        double leastAmplification)
    {
        using var net = await Emulator.AttackAsync(Reflected(protocol), TestKinds.Installed, _ => { });
        Assert.Equal([5u], net.Reflectors);
        Assert.Equal([7u, 8u], net.Truth);
        Assert.Equal(40, net.Received.Count);
        var reflector = new IPAddress(BitConverter.GetBytes(IPAddress.HostToNetworkOrder((int)ReflectedExchange.ReflectorAddress(5))));
        Assert.All(net.Received, r =>
        {
            var key = ReflectionKey.OfResponse(r.Packet);
            Assert.NotNull(key);
            Assert.Equal(protocol, key.Protocol.Name);
            Assert.Equal(reflector, key.Reflector);
            Assert.Equal(IPAddress.Parse("203.0.113.7"), key.Victim);
        });
        Assert.True(net.Amplification >= leastAmplification, $"amplification {net.Amplification:F1}");
        Assert.True(net.Ases[5].Forwarded >= 80, "the reflector AS got the requests and sent the answers"); // 40 in, 40 out
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("tls")]
    public async Task A_trace_of_reflected_answers_crosses_the_amplifier_and_finds_the_ases_that_forged_the_requests(string transport)
    {
        var report = await Emulator.RunAsync(Reflected(transport: transport), TestKinds.Installed);
        Assert.Equal([5u], report.ReflectorAses);
        Assert.Equal([7u, 8u], report.AttackerAses);
        Assert.Equal([7u, 8u], report.InterTrack.OriginAses);    // not the reflector: it only answered
        Assert.Equal([5u], report.InterTrack.ReflectorAses);
        Assert.Equal(1.0, report.InterTrack.Precision);
        Assert.Equal(1.0, report.InterTrack.Recall);
    }

    /// <summary>4, the reflector's provider, runs nothing: the answers skip over it to 5, and the requests from 5 skip over it to 3.</summary>
    [Fact]
    public async Task The_requests_are_followed_past_an_as_that_runs_nothing_between_the_amplifier_and_the_forging_ases()
    {
        var report = await Emulator.RunAsync(Reflected(overrides: new() { ["4"] = new DeploymentOverride { Bts = "none", Ts = "none" } }),
            TestKinds.Installed);
        Assert.Equal([7u, 8u], report.InterTrack.OriginAses);
        Assert.Equal([5u], report.InterTrack.ReflectorAses);
        Assert.Equal(1.0, report.InterTrack.Precision);
    }

    /// <summary>Attacker 2 is also the victim's provider: the answers cross it (Transit), its hosts forged requests (Source), and Source stays.</summary>
    [Fact]
    public async Task A_forging_as_the_answers_also_cross_is_found_as_a_source()
    {
        var report = await Emulator.RunAsync(Reflected() with { Attackers = [new AttackerSpec { As = 2 }, new AttackerSpec { As = 7 }] },
            TestKinds.Installed);
        Assert.Equal([2u, 7u], report.InterTrack.OriginAses);
        Assert.Equal([5u], report.InterTrack.ReflectorAses);
    }

    /// <summary>The ASes named run that kind of system, border and inside; the others the default (digests).</summary>
    private static Dictionary<string, DeploymentOverride> Running(string kind, params uint[] ases) =>
        ases.ToDictionary(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => new DeploymentOverride { Bts = kind, Ts = kind });

    /// <summary>The reflector's AS 5 and every AS on the requests' paths (4, 3, 6, 2) and the forging ASes run flow records.</summary>
    [Theory]
    [InlineData("memory")]
    [InlineData("tls")]
    public async Task Flow_records_at_the_amplifier_and_upstream_find_the_amplifier_and_the_forging_ases(string transport)
    {
        var report = await Emulator.RunAsync(Reflected(transport: transport, overrides: Running("flow", 2, 3, 4, 5, 6, 7, 8)), TestKinds.Installed);
        Assert.Equal([7u, 8u], report.InterTrack.OriginAses);
        Assert.Equal([5u], report.InterTrack.ReflectorAses);
        Assert.Equal(1.0, report.InterTrack.Precision);
        Assert.Equal(1.0, report.InterTrack.Recall);
    }

    /// <summary>Flows at the amplifier and at 3 and 8, digests at 4, 6, 7 and 2: each finds the requests its own way, the trace crosses both.</summary>
    [Fact]
    public async Task Flow_records_and_digests_mixed_on_the_requests_paths_find_the_amplifier_and_the_forging_ases()
    {
        var report = await Emulator.RunAsync(Reflected(overrides: Running("flow", 3, 5, 8)), TestKinds.Installed);
        Assert.Equal([7u, 8u], report.InterTrack.OriginAses);
        Assert.Equal([5u], report.InterTrack.ReflectorAses);
        Assert.Equal(1.0, report.InterTrack.Precision);
    }

    /// <summary>The reflector's AS runs link testing, which keeps no requests: it is the amplifier, its requests unfollowed; nobody is a source.</summary>
    [Fact]
    public async Task Answers_whose_requests_are_not_found_name_the_amplifier_and_no_source()
    {
        var report = await Emulator.RunAsync(Reflected(overrides: Running("linktest", 5)), TestKinds.Installed);
        Assert.Empty(report.InterTrack.OriginAses);
        Assert.Equal([5u], report.InterTrack.ReflectorAses);
    }

    [Fact]
    public async Task An_attack_without_reflection_is_traced_to_its_origins_and_names_no_amplifier()
    {
        var report = await Emulator.RunAsync(Reflected() with { Reflection = null }, TestKinds.Installed);
        Assert.Equal([7u, 8u], report.InterTrack.OriginAses);
        Assert.Empty(report.InterTrack.ReflectorAses);
        Assert.Empty(report.ReflectorAses);
        Assert.Equal(0, report.Amplification);
    }

    [Theory]
    [InlineData("\"protocol\": \"chargen\", \"reflectors\": 1", "reflection.protocol: \"chargen\" is not one the emulator builds")]
    [InlineData("\"protocol\": 53, \"reflectors\": 1", "reflection.protocol: give one of dns, ntp, memcached, ssdp")]
    [InlineData("\"protocol\": [], \"reflectors\": 1", "reflection.protocol: give one of")]
    [InlineData("\"reflectors\": 1", "reflection.protocol: give one of")]
    [InlineData("\"protocol\": \"dns\"", "reflection: give either \"reflectors\"")]
    [InlineData("\"protocol\": \"dns\", \"reflectors\": 2, \"ases\": [5]", "reflection: give either \"reflectors\"")]
    [InlineData("\"protocol\": \"dns\", \"reflectors\": 0", "reflection.reflectors: must be positive")]
    [InlineData("\"protocol\": [\"dns\", \"cldap\"], \"ases\": []", "reflection.protocol: \"cldap\" is not one the emulator builds")]
    [InlineData("\"protocol\": \"dns\", \"ases\": []", "reflection.ases: name at least one AS")]
    public void A_wrong_reflection_field_is_named_with_what_is_wrong(string fields, string message)
    {
        string path = Path.Combine(_directory, "scenario.json");
        File.WriteAllText(path, $"{{\"topology\": {{\"asRel\": \"{Topology()}\"}}, \"attackers\": [{{\"count\": 1}}], \"reflection\": {{{fields}}}}}");
        var error = Assert.Throws<FormatException>(() => Scenario.Load(path, TestKinds.Installed));
        Assert.StartsWith($"{path}: {message}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1u, "reflection.ases: AS1 is the victim")]
    [InlineData(7u, "reflection.ases: AS7 is an attacker")]
    [InlineData(99u, "reflection.ases: AS99 is not in the topology")]
    public async Task A_reflector_must_be_a_third_as_of_the_topology(uint reflector, string message)
    {
        var scenario = Reflected() with { Reflection = Reflected().Reflection! with { Ases = [reflector] } };
        var error = await Assert.ThrowsAsync<FormatException>(() => Emulator.AttackAsync(scenario, TestKinds.Installed, _ => { }));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reflectors_counted_are_picked_with_the_seed_among_the_third_ases()
    {
        var scenario = Reflected() with { Reflection = Reflected().Reflection! with { Ases = null, Reflectors = 3 } };
        using var first = await Emulator.AttackAsync(scenario, TestKinds.Installed, _ => { });
        using var again = await Emulator.AttackAsync(scenario, TestKinds.Installed, _ => { });
        Assert.Equal(3, first.Reflectors.Count);
        Assert.Equal(first.Reflectors, again.Reflectors);
        Assert.DoesNotContain(first.Reflectors, r => r is 1 or 7 or 8);
        var tooMany = scenario with { Reflection = scenario.Reflection! with { Reflectors = 7 } };
        var error = await Assert.ThrowsAsync<FormatException>(() => Emulator.AttackAsync(tooMany, TestKinds.Installed, _ => { }));
        Assert.StartsWith("reflection.reflectors: 7 is more than the 6 ASes", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
