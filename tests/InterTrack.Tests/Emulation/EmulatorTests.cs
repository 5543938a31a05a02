using InterTrack.Cli;
using InterTrack.Digest;
using InterTrack.Emulation;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Kinds;

namespace InterTrack.Tests.Emulation;

public class EmulatorTests
{
    [Theory]
    [InlineData(200, 42, "memory")]
    [InlineData(2000, 7, "memory")]
    [InlineData(200, 42, "tls")]
    [InlineData(2000, 7, "tls")]
    public async Task Under_full_deployment_every_attacker_as_is_found_by_intertrack_and_the_baseline(int ases, int seed, string transport)
    {
        var scenario = new Scenario
        {
            Seed = seed,
            Transport = transport,
            Topology = new TopologySpec { Generate = new GenerateSpec { Ases = ases } },
            Attackers = [new AttackerSpec { Count = 20 }],
            PacketsPerAttacker = 20,
            TracedPackets = 400,
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);

        Assert.Equal(20, report.AttackerAses.Count);
        foreach (var method in new[] { report.InterTrack, report.Baseline })
        {
            Assert.Equal(1.0, method.Recall);
            Assert.True(method.Precision >= 0.95, $"precision {method.Precision}");
            Assert.All(method.AsPaths, p => Assert.Equal(report.VictimAs, p[0]));
        }
        // The border shortcut: InterTrack runs intra-domain traces only where the flow starts (the victim AS runs none).
        Assert.Equal(report.AttackerAses.Count, report.InterTrack.TsQueries);
        Assert.True(report.Baseline.TsQueries > report.InterTrack.TsQueries, $"baseline {report.Baseline.TsQueries}, InterTrack {report.InterTrack.TsQueries}");
    }

    [Fact]
    public async Task Behind_a_gap_the_baseline_finds_what_intertrack_finds_its_floods_saying_how_many_packets_they_saw()
    {
        // 8 % random deployment on 2,000 ASes, skip-over by the AS graph alone: the baseline's domain flood once claimed every packet
        // behind a gap at its first sighting, so skip-over stopped asking and AS1619, deployed, was never found (recall 0, 40 messages).
        var scenario = new Scenario
        {
            Seed = 1,
            Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 2000 } },
            Attackers = [new AttackerSpec { Count = 25 }],
            PacketsPerAttacker = 10,
            TracedPackets = 250,
            Deployment = new DeploymentSpec { Bts = KindMix.Only("digest", 0.08), Ts = KindMix.Only("digest", 0.08), SpoofNotices = false },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);
        Assert.NotEmpty(report.InterTrack.OriginAses);
        Assert.Equal(report.InterTrack.OriginAses, report.Baseline.OriginAses);
    }

    [Fact]
    public async Task With_half_the_borders_and_no_domain_traceback_recall_drops_and_the_frontier_is_listed()
    {
        var scenario = new Scenario
        {
            Seed = 3,
            Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 300 } },
            Attackers = [new AttackerSpec { Count = 20 }],
            PacketsPerAttacker = 10,
            Deployment = new DeploymentSpec { Bts = KindMix.Only("digest", 0.5), Ts = KindMix.Only("none") },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);
        Assert.True(report.InterTrack.Recall < 1.0);
        Assert.NotEmpty(report.InterTrack.Unresolved);
    }

    [Fact]
    public async Task Where_a_border_system_is_missing_the_itm_follows_its_domain_traceback_system()
    {
        var scenario = new Scenario
        {
            Seed = 3,
            Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 300 } },
            Attackers = [new AttackerSpec { Count = 20 }],
            PacketsPerAttacker = 10,
            Deployment = new DeploymentSpec { Bts = KindMix.Only("digest", 0.5), Ts = KindMix.Only("digest") },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);
        Assert.Equal(1.0, report.InterTrack.Recall);
        Assert.True(report.InterTrack.TsQueries < report.Baseline.TsQueries,
            $"InterTrack ran {report.InterTrack.TsQueries} domain traces, the baseline {report.Baseline.TsQueries}");
    }

    [Theory]
    [InlineData("""{ "topology": { }, "attackers": [ { "count": 2 } ] }""", "topology:")]
    [InlineData("""{ "topology": { "generate": { "ases": 100 } }, "attackers": [ ] }""", "attackers:")]
    [InlineData("""{ "topology": { "generate": { "ases": 100 } }, "attackers": [ { "count": 2 } ], "deployment": { "bts": 1.5 } }""",
        "deployment.bts.digest: must be a share from 0 to 1")]
    [InlineData("""{ "topology": { "generate": { "ases": 100 } }, "attackers": [ { "count": 2 } ], "transport": "carrier pigeon" }""", "transport:")]
    [InlineData("""{ "topology": { "generate": { "ases": 100 } }, "attackers": [ { "count": 2 } ], "victim": { "as": "x" } }""",
        "victim.as: expected a whole number (0 to 4294967295), got a string \"x\"")]
    [InlineData("""{ "topology": { "generate": { "ases": 100, "model": "fancy" } }, "attackers": [ { "count": 2 } ] }""",
        "topology.generate.model: must be one of: realistic, classic")]
    [InlineData("""{ "topology": { "asRel": "missing.txt" }, "attackers": [ { "as": 5, "hosts": 2 } ] }""", "topology.asRel: no such file")]
    public void A_bad_scenario_names_the_field(string json, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), $"scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var e = Assert.Throws<FormatException>(() => Scenario.Load(path, TestKinds.Installed));
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public sealed class DemoTests : IDisposable
{
    private readonly string _svg = Path.Combine(Path.GetTempPath(), $"demo-{Guid.NewGuid():N}.svg");

    [Fact]
    public void The_demo_traces_every_attacker_and_draws_the_tree()
    {
        var run = CliRunner.Run("demo", "--svg", _svg);
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("(victim)", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"InterTrack\s+1\.00\s+1\.00", run.Output);
        var svg = System.Xml.Linq.XDocument.Load(_svg);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Contains("10 of 10 attacker ASes traced", svg.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_svg);
}

public class SweepTests
{
    [Theory]
    [InlineData("deployment=2")]
    [InlineData("attackers=0.5")]
    [InlineData("hosts=1,2")]
    [InlineData("deployment=")]
    public void A_bad_sweep_is_refused(string text) => Assert.Throws<FormatException>(() => Sweep.Parse(text, TestKinds.Installed));

    [Fact]
    public async Task A_sweep_over_deployment_and_seeds_writes_one_csv_row_per_run_and_method_and_a_plot()
    {
        var (parameter, values) = Sweep.Parse("deployment=0.08,1", TestKinds.Installed);
        var scenario = new Scenario { Seed = 9, Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 100 } },
            Attackers = [new AttackerSpec { Count = 3 }], PacketsPerAttacker = 5 };
        var points = await Sweep.RunAsync(scenario with { Deployment = scenario.Deployment with { Strategy = "core-first" } }, TestKinds.Installed, parameter,
            values, seeds: 2, _ => { }, default);

        Assert.Equal([(0.08, 9), (0.08, 10), (1.0, 9), (1.0, 10)], points.Select(p => (p.Value, p.Seed)));
        var rows = Sweep.Csv(parameter, points).Trim().Split('\n');
        Assert.Equal(9, rows.Length);
        Assert.StartsWith("deployment,seed,method,recall,precision", rows[0], StringComparison.Ordinal);
        Assert.StartsWith("1,9,intertrack,1.0000,", rows[5], StringComparison.Ordinal); // full deployment finds them all
        var plot = System.Xml.Linq.XElement.Parse(Sweep.Plot(parameter, points, "test"));
        Assert.Equal(4, plot.Descendants().Count(e => e.Name.LocalName == "rect" && e.Attribute("stroke") is not null)); // four panels
        Assert.Contains(plot.Descendants(), e => e.Name.LocalName == "text" && e.Value.Contains("Moreira",
            StringComparison.Ordinal)); // the published point's legend
    }

    [Theory]
    [InlineData("core-first")]
    [InlineData("stubs-first")]
    [InlineData("tier1-and-stubs")]
    public void A_strategy_orders_the_ases_it_equips_first(string strategy)
    {
        var graph = TopologyGenerator.Generate(500, 4).Graph;
        var order = DeploymentOrder.Of(strategy, graph, new Random(1));
        Assert.Equal(graph.Count, order.Distinct().Count());
        var first = order.Take(25).ToList();
        switch (strategy)
        {
            case "core-first":
                var cones = DeploymentOrder.Cones(graph);
                Assert.True(first.Min(a => cones[a]) >= order.Skip(25).Max(a => cones[a]), "the largest customer cones come first");
                break;
            case "stubs-first":
                Assert.All(first, a => Assert.Empty(graph.Customers(a)));
                break;
            default:
                Assert.All(first.Take(4), a => Assert.Empty(graph.Providers(a)));  // the tier-1s …
                Assert.All(first.Skip(6), a => Assert.Empty(graph.Customers(a))); // … then stubs
                break;
        }
    }
}

public sealed class ServeTests
{
    [Fact]
    public async Task An_external_client_traces_a_served_emulation_with_the_files_it_wrote()
    {
        await using var served = await ServedEmulation.StartAsync(ServedEmulation.Scenario(11, attackers: 4), directory => new ServeOptions(directory));
        var endpoints = served.Endpoints;

        var trace = await Task.Run(() => CliRunner.Run("trace", "--dp", endpoints.DPoint.ToString(), "--pcap", endpoints.Pcap, "--all", "--json",
            "--cert", endpoints.ClientCertificate, "--key", endpoints.ClientKey, "--ca", endpoints.Ca));
        Assert.True(trace.Code == 0, trace.Output + trace.Error);
        var origins = System.Text.Json.JsonDocument.Parse(trace.Output).RootElement.GetProperty("originAses").EnumerateArray()
            .Select(e => e.GetUInt32()).ToList();
        Assert.Equal(4, origins.Count);
    }

    /// <summary>The historic client (see Interop.HistoricClientTests) against an emulation whose digest ASes key by packter-md5.</summary>
    [SkippableFact]
    public async Task The_historic_client_traces_a_served_emulation_by_md5_and_by_hexstring()
    {
        Requires.ReferenceSchema();
        var schema = Protocol.MessageCodecTests.ReferenceSchema();
        var scenario = ServedEmulation.Scenario(5, attackers: 3) with
        {
            Deployment = new DeploymentSpec { Settings = new() { ["hash"] = System.Text.Json.JsonSerializer.SerializeToElement("packter-md5") } }
        };
        int legacyPort = FreePort.Pick();
        await using var served = await ServedEmulation.StartAsync(scenario, directory => new ServeOptions(directory, LegacyPort: legacyPort));
        var endpoints = served.Endpoints;
        var packets = served.Packets().Select(p => p.Ip).ToList();
        var dp = new NeighborNode(NodeId.ForItm(endpoints.VictimAs));
        foreach (var encoding in new[] { DumpEncoding.Md5, DumpEncoding.Hex })
        {
            var request = new ClientTraceRequest(dp, new NeighborNode(new OtherNodeId("tc")), TimeVal.FromDateTimeOffset(DateTimeOffset.UtcNow), 16)
            {
                PacketDumps = [.. packets.Select(p => encoding == DumpEncoding.Md5
                    ? new PacketDump(PackterMd5.Hex(p), DumpEncoding.Md5, DumpHeader.Ip, 0, 32)
                    : new PacketDump(Convert.ToHexStringLower(p), DumpEncoding.Hex, DumpHeader.Ip, 0, (uint)p.Length))],
            };
            var reply = await Interop.HistoricClientTests.AskAsync(legacyPort, request, schema);
            Assert.Equal(3, InterTrack.Node.Client.TraceResultView.From(reply.MessageId, reply.Export).OriginAses.Count);
        }
    }
}

public class MixedDeploymentTests
{
    private static Scenario Mixed(int ases, int seed, string transport, int attackers) => new()
    {
        Seed = seed,
        Transport = transport,
        Topology = new TopologySpec { Generate = new GenerateSpec { Ases = ases } },
        Attackers = [new AttackerSpec { Count = attackers }],
        PacketsPerAttacker = 20,
        TracedPackets = 400,
        Deployment = new DeploymentSpec
        {
            Ts = new KindMix(new Dictionary<string, double> { ["digest"] = 0.4, ["flow"] = 0.4, ["none"] = 0.2 }),
            Bts = new KindMix(new Dictionary<string, double> { ["digest"] = 0.4, ["flow"] = 0.4 }),
        },
    };

    [Fact]
    public async Task With_link_testing_beside_digests_and_flows_every_attacker_whose_path_runs_a_system_is_found()
    {
        var kinds = new Dictionary<string, double> { ["digest"] = 0.3, ["flow"] = 0.3, ["linktest"] = 0.3, ["none"] = 0.1 };
        var scenario = Mixed(2000, 7, "memory", 25) with
        {
            Deployment = new DeploymentSpec { Ts = new KindMix(kinds), Bts = new KindMix(kinds) },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);

        Assert.NotEmpty(report.ReachableAttackerAses);
        Assert.Equal(1.0, EmulationReport.RecallOf(report.ReachableAttackerAses, report.InterTrack));
        Assert.True(report.InterTrack.Precision >= 0.95, $"precision {report.InterTrack.Precision}");
        var linktest = report.Systems.Single(s => s.Kind == "linktest");
        Assert.True(linktest.BtmQueries > 0 && linktest.DtmQueries > 0, $"{linktest}");
        Assert.StartsWith("until traced", linktest.AttackMustLast, StringComparison.Ordinal);
        Assert.Equal("no", report.Systems.Single(s => s.Kind == "digest").AttackMustLast);
    }

    [Fact]
    public async Task All_kinds_at_once_digest_flow_link_testing_marking_and_none_trace_every_attacker_on_a_traceable_path()
    {
        // Core-first: digests in the core, marking (assigned last) at the edge, where it rewrites
        // the identification field before any evidence that hashes it. The victim's AS keeps flows.
        var kinds = new Dictionary<string, double> { ["digest"] = 0.2, ["flow"] = 0.2, ["linktest"] = 0.2, ["marking"] = 0.3, ["none"] = 0.1 };
        var scenario = Mixed(2000, 7, "memory", 25) with
        {
            Victim = new VictimSpec { As = 678 },
            Deployment = new DeploymentSpec
            {
                Ts = new KindMix(kinds), Bts = new KindMix(kinds), Strategy = "core-first",
                Overrides = new() { ["678"] = new DeploymentOverride { Ts = "flow", Bts = "flow" } },
            },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);

        Assert.True(report.ReachableAttackerAses.Count >= 20, $"{report.ReachableAttackerAses.Count} attackers on traceable paths");
        Assert.Equal(1.0, EmulationReport.RecallOf(report.ReachableAttackerAses, report.InterTrack));
        Assert.True(report.InterTrack.Precision >= 0.95, $"precision {report.InterTrack.Precision}");
        foreach (var kind in new[] { "digest", "flow", "linktest", "marking" })
        {
            var figures = report.Systems.Single(s => s.Kind == kind);
            Assert.True(figures.BtmQueries + figures.DtmQueries > 0 && figures.Degrees.Count > 0, $"{kind} never answered: {figures}");
        }
        Assert.Equal(0, report.Systems.Single(s => s.Kind == "marking").StorageBytes); // the marks travel in the packets
    }

    [Fact]
    public async Task Edge_sampling_in_every_as_rebuilds_the_routers_of_each_attack_path_from_enough_packets()
    {
        var scenario = new Scenario
        {
            Seed = 3,
            Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 300 } },
            Attackers = [new AttackerSpec { Count = 3 }],
            PacketsPerAttacker = 3000,
            TracedPackets = 9000,
            Deployment = new DeploymentSpec { Ts = KindMix.Only("marking"), Bts = KindMix.Only("marking"),
            Settings = new() { ["marking"] = System.Text.Json.JsonSerializer.SerializeToElement("ppm") } },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);

        Assert.Equal(1.0, report.InterTrack.Recall);
        Assert.Equal(1.0, report.InterTrack.Precision);
        var marking = report.Systems.Single(s => s.Kind == "marking");
        Assert.Contains(marking.Degrees, d => d.Degree == 100);
        Assert.EndsWith("(6 routers)", marking.PacketsNeeded, StringComparison.Ordinal);

        // More packets than one message may carry are refused up front, naming the field.
        var tooMany = Assert.Throws<FormatException>(() => (scenario with { TracedPackets = 20_000 }).Validate(TestKinds.Installed));
        Assert.StartsWith("tracedPackets: at most 10000", tooMany.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_marking_as_after_a_digest_as_leaves_that_path_untraceable_and_it_is_not_counted_as_such()
    {
        // Random order puts marking ASes in the core: their marks rewrite what the digests before them saw (flow records key on
        // what marks leave alone, so paths through flows and marks stay traceable).
        var kinds = new Dictionary<string, double> { ["digest"] = 0.45, ["flow"] = 0.4, ["marking"] = 0.1, ["none"] = 0.05 };
        var scenario = Mixed(2000, 7, "memory", 25) with
        {
            Victim = new VictimSpec { As = 678 },
            Deployment = new DeploymentSpec
            {
                Ts = new KindMix(kinds), Bts = new KindMix(kinds),
                Overrides = new() { ["678"] = new DeploymentOverride { Ts = "digest", Bts = "digest" } },
            },
        };
        var report = await Emulator.RunAsync(scenario, TestKinds.Installed);

        Assert.True(report.DeployedAttackerAses.Count > report.ReachableAttackerAses.Count, "every path was traceable despite the marks");
        Assert.NotEmpty(report.ReachableAttackerAses); // else the next line would hold for nothing
        Assert.Equal(1.0, EmulationReport.RecallOf(report.ReachableAttackerAses, report.InterTrack));
        Assert.True(report.InterTrack.Recall < 1.0);
    }

    [Fact]
    public async Task Link_testing_finds_the_attack_while_it_lasts_and_nothing_once_it_is_over()
    {
        var scenario = Mixed(500, 3, "memory", 5) with
        {
            Deployment = new DeploymentSpec { Ts = KindMix.Only("linktest"), Bts = KindMix.Only("linktest") },
        };
        var ongoing = await Emulator.RunAsync(scenario, TestKinds.Installed);
        var over = await Emulator.RunAsync(scenario with { AttackEndedSecondsAgo = 30 }, TestKinds.Installed);

        Assert.Equal(1.0, ongoing.InterTrack.Recall);
        Assert.Equal(1.0, ongoing.InterTrack.Precision);
        Assert.Empty(over.InterTrack.OriginAses); // past the 10 s window the counters say nothing
    }

    [Fact]
    public async Task On_2000_ases_of_digest_flow_and_none_every_attacker_whose_path_runs_a_system_is_found()
    {
        var report = await Emulator.RunAsync(Mixed(2000, 7, "memory", 25), TestKinds.Installed);

        Assert.InRange(report.ReachableAttackerAses.Count, 10, report.AttackerAses.Count - 1); // some paths cross an AS that runs nothing
        Assert.Equal(1.0, EmulationReport.RecallOf(report.ReachableAttackerAses, report.InterTrack));
        Assert.True(report.InterTrack.Precision >= 0.95, $"precision {report.InterTrack.Precision}");
        foreach (var kind in new[] { "digest", "flow" })
        {
            var figures = report.Systems.Single(s => s.Kind == kind);
            Assert.True(figures.BtmQueries > 0 && figures.DtmQueries > 0, $"{kind}: {figures}");
            Assert.True(figures.StorageBytesPerPacket > 0, $"{kind}: {figures}");
        }
        // A flow record proves a flow, not a packet: flow answers that saw the flow stay below 100.
        Assert.All(report.InterTrack.Queries.Where(q => q.Kind == "flow" && q.Saw), q => Assert.True(q.Degree < 100, $"flow degree {q.Degree}"));
        Assert.Contains(report.InterTrack.Queries, q => q.Kind == "flow" && q.Saw && q.Degree >= 90);
    }

    [Fact]
    public async Task Over_mutual_tls_a_trace_crosses_digest_and_flow_ases_and_names_both()
    {
        var report = await Emulator.RunAsync(Mixed(200, 11, "tls", 6) with
        {
            Deployment = Mixed(200, 11, "tls", 6).Deployment with
            {
                Ts = new KindMix(new Dictionary<string, double> { ["digest"] = 0.5, ["flow"] = 0.5 }),
                Bts = new KindMix(new Dictionary<string, double> { ["digest"] = 0.5, ["flow"] = 0.5 }),
            },
        }, TestKinds.Installed);

        Assert.Equal(1.0, report.InterTrack.Recall);
        Assert.True(report.InterTrack.Precision >= 0.95, $"precision {report.InterTrack.Precision}");
        var onPaths = report.InterTrack.AsPaths.SelectMany(p => p.Skip(1)).Distinct().Select(a => report.InterTrack.AsSystems[a]).ToHashSet();
        Assert.Contains("digest", onPaths);
        Assert.Contains("flow", onPaths);
        Assert.Contains(report.InterTrack.AsPaths, p => p.Skip(1).Select(a => report.InterTrack.AsSystems[a]).Distinct().Count() == 2);
    }

    [Fact]
    public async Task The_same_packets_traced_in_process_and_over_mutual_tls_give_the_same_answer_on_a_partial_mixed_deployment()
    {
        // docs/examples/scenario-mixed.json: a fifth of the ASes run nothing, so the trace skips over gaps and one
        // ITM asks the same neighbour twice in one trace (as its neighbour and behind a gap) with different packets.
        var inProcess = await Emulator.RunAsync(Mixed(2000, 7, "memory", 25), TestKinds.Installed);
        var overTls = await Emulator.RunAsync(Mixed(2000, 7, "tls", 25), TestKinds.Installed);

        Assert.True(inProcess.InterTrack.OriginAses.Count >= 20, $"{inProcess.InterTrack.OriginAses.Count} origins in process");
        Assert.Equal(inProcess.InterTrack.OriginAses, overTls.InterTrack.OriginAses);
        Assert.Equal(inProcess.InterTrack.Unresolved, overTls.InterTrack.Unresolved);
    }

    [Theory]
    [InlineData("{\"ts\": {\"digest\": 0.5, \"flow\": 0.7}}", "deployment.ts: the shares add up to more than 1")]
    [InlineData("{\"ts\": {\"spie\": 0.5}}", "deployment.ts.spie: not a kind of system")]
    [InlineData("{\"flowSampling\": 0}", "deployment.flowSampling")]
    [InlineData("{\"overrides\": {\"5\": {\"ts\": \"spie\"}}}", "deployment.overrides.5.ts")]
    public void Bad_deployments_are_refused_naming_the_field(string deployment, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), $"intertrack-scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $"{{\"topology\": {{\"generate\": {{\"ases\": 50}}}}, \"attackers\": [{{\"count\": 2}}], \"deployment\": {deployment}}}");
        try
        {
            var e = Assert.Throws<FormatException>(() => Scenario.Load(path, TestKinds.Installed));
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(null, 50, null, "attackers: count 50 is more than the 49 ASes that could attack")]
    [InlineData(7u, 49, null, "attackers: count 49 is more than the 48 ASes that could attack (all but the victim and the attackers named)")]
    [InlineData(null, 2, "999", "deployment.overrides.999: AS999 is not in the topology")]
    public async Task What_the_topology_cannot_hold_is_an_error_not_silently_shrunk(uint? named, int count, string? overrideAs, string message)
    {
        var scenario = new Scenario
        {
            Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 50 } },
            Victim = new VictimSpec { As = 1 },
            Attackers = [.. named is { } a ? [new AttackerSpec { As = a }] : Array.Empty<AttackerSpec>(), new AttackerSpec { Count = count }],
            Deployment = new DeploymentSpec { Overrides = overrideAs is null ? [] : new() { [overrideAs] = new DeploymentOverride { Ts = "none" } } },
        };
        var e = await Assert.ThrowsAsync<FormatException>(() => Emulator.RunAsync(scenario, TestKinds.Installed));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deployment_forms_of_before_kinds_still_load()
    {
        string path = Path.Combine(Path.GetTempPath(), $"intertrack-scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\"topology\": {\"generate\": {\"ases\": 50}}, \"attackers\": [{\"count\": 2}], " +
            "\"deployment\": {\"bts\": 0.5, \"ts\": \"digest\", \"overrides\": {\"7\": {\"bts\": true}, \"8\": {\"bts\": false, \"ts\": \"flow\"}}}}");
        try
        {
            var d = Scenario.Load(path, TestKinds.Installed).Deployment;
            Assert.Equal(0.5, d.Bts.Share("digest"));
            Assert.Equal(1.0, d.Ts.Share("digest"));
            Assert.Equal("digest", d.Overrides["7"].Bts);
            Assert.Equal(("none", "flow"), (d.Overrides["8"].Bts, d.Overrides["8"].Ts));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
