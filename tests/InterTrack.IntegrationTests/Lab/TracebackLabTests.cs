using System.Diagnostics;
using System.Text.Json;
using InterTrack.Lab;
using InterTrack.Testing;
using Xunit.Abstractions;

namespace InterTrack.IntegrationTests.Lab;

/// <summary>
/// The lab end to end, as root: six ASes in network namespaces with BGP (BIRD), a victim AS and a
/// transit AS of two routers each, a transit that exports IPFIX (pmacctd) instead of digesting, an
/// attacker AS running link testing (nftables counters), a stub AS running nothing, forged-source attacks from raw sockets, and the real
/// <c>intertrack trace</c> through the daemons over mutual TLS.
///
///   65002 ── peer ── 65003 (flow)        provider → customer:
///     │  ╲         ╱   │                  65002, 65003 → 65001 (victim)
///     │    65004       65005 (nothing)    65002, 65003 → 65004 (attacker, multihomed, link testing)
///      ╲               ╱                  65003 → 65005 (attacker behind a stub)
///          65001 (victim)
/// </summary>
public sealed class TracebackLabTests : IDisposable
{
    private const string Topology = LabTopologies.FiveAses;

    private readonly string _id = $"t{Random.Shared.Next(0x100000):x5}";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"intertrack-labtest-{Guid.NewGuid():N}");
    private readonly StringWriter _progress = new();
    private readonly TracebackLab _lab;
    private readonly ITestOutputHelper _output;

    public TracebackLabTests(ITestOutputHelper output)
    {
        _output = output;
        _lab = new TracebackLab(["dotnet", Path.Combine(AppContext.BaseDirectory, "intertrack.dll")], _progress, InterTrack.Cli.TracebackKinds.All);
    }

    [SkippableFact]
    public void Attacks_are_traced_along_the_paths_BGP_chose_through_digest_flow_link_testing_and_stub_ases()
    {
        Requires.Root();
        Requires.Programs("bird", "birdc", "pmacctd", "tcpdump", "setsid", "nft");
        string topology = Path.Combine(Path.GetTempPath(), $"{_id}.as-rel");
        File.WriteAllText(topology, Topology);
        var plan = _lab.Up(new LabOptions { Id = _id, Directory = _dir, TopologyFile = topology, Victim = 65001,
            Systems = new Dictionary<string, IReadOnlyList<uint>> { ["flow"] = [65003], ["linktest"] = [65004], ["none"] = [65005] } });
        File.Delete(topology);
        Assert.Equal(2, plan[65001].Routers.Count);
        Assert.Equal(2, plan[65002].Routers.Count);
        var again = Assert.Throws<LabException>(() => _lab.Up(new LabOptions { Id = _id, Directory = _dir + "-again", Ases = 4 }));
        Assert.Contains("is already running", again.Message, StringComparison.Ordinal);

        // 1. Two attackers: 65004 is found along its BGP path by its routers' counters; behind 65003's flow records the trace
        //    reaches 65005, which runs nothing: its ITM answers as the seed's stub (Unknown).
        var first = _lab.Attack(plan, [65004, 65005], packets: 50, rate: 500);
        Assert.Equal(100, first.Sent);
        Assert.Equal(100, first.CapturedAtVictim);
        var trace = _lab.Trace(plan);
        _progress.WriteLine(trace.Tree);
        Assert.Equal([65004u], trace.OriginAses);
        Assert.Equal(1.0, trace.Precision);
        Assert.Contains(Reverse(first.BgpPaths[65004]), Paths(trace));
        var stub = Entry(trace, 65005);
        Assert.Equal("Unknown", stub.GetProperty("status").GetString());
        Assert.Equal("flow", Entry(trace, 65003).GetProperty("tstype").GetString());
        Assert.Equal("linktest", Entry(trace, 65004).GetProperty("tstype").GetString());
        uint usedTransit = Hops(first.BgpPaths[65004])[1];
        uint otherTransit = usedTransit == 65002 ? 65003u : 65002u;

        // 2. BGP decides the paths: the link 65004 used goes down, BGP moves to the other
        //    provider, and the next attack is traced along the new path.
        SetLinkDown(plan, 65004, usedTransit);
        string? path = WaitForPath(plan, 65004, p => p is not null && Hops(p)[1] == otherTransit);
        var second = _lab.Attack(plan, [65004], packets: 50, rate: 500);
        trace = _lab.Trace(plan);
        Assert.Equal([65004u], trace.OriginAses);
        Assert.Contains(Reverse(path!), Paths(trace));
        Assert.Equal(path, second.BgpPaths[65004]);

        // 3. After the attack, the transit on its path loses its daemons: the trace ends on the refused
        //    connection, not by waiting out its deadline (which would make that AS Busy, "no answer
        //    before the deadline"), and names that AS Unknown.
        _lab.Attack(plan, [65004], packets: 20, rate: 500);
        KillDaemons(plan, otherTransit);
        trace = _lab.Trace(plan);
        Assert.Empty(trace.OriginAses);
        var dead = Entry(trace, otherTransit);
        Assert.Equal("Unknown", dead.GetProperty("status").GetString());
        Assert.DoesNotContain("deadline", dead.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static JsonElement Entry(LabTrace trace, uint asNumber) =>
        trace.Result.GetProperty("ases").EnumerateArray().Single(a => a.GetProperty("as").GetUInt32() == asNumber);

    private static List<string> Paths(LabTrace trace) =>
        [.. trace.Result.GetProperty("asPaths").EnumerateArray().Select(p => string.Join(' ', p.EnumerateArray().Select(a => a.GetUInt32())))];

    private static uint[] Hops(string? path) => [.. path!.Split(' ').Select(uint.Parse)];

    /// <summary>A BGP path from attacker to victim, as the trace's path from victim to attacker.</summary>
    private static string Reverse(string? path) => string.Join(' ', Hops(path).Reverse());

    private static void SetLinkDown(LabPlan plan, uint a, uint b)
    {
        foreach (var (self, other) in new[] { (a, b), (b, a) })
        {
            var router = plan[self].Routers.Single(r => r.Interfaces.Any(i => i.NeighborAs == other));
            Shell.Run("ip", "-n", router.Namespace, "link", "set", router.Interfaces.Single(i => i.NeighborAs == other).Name, "down");
        }
    }

    private static string? WaitForPath(LabPlan plan, uint from, Func<string?, bool> wanted)
    {
        var clock = Stopwatch.StartNew();
        string? path = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            path = LabNetwork.AsPath(plan, plan[from], plan.VictimAs.HostAddress);
            if (wanted(path))
            {
                return path;
            }
            Thread.Sleep(200);
        }
        throw new TimeoutException($"BGP did not move AS{from}'s path in 30 s (still {path})");
    }

    private static void KillDaemons(LabPlan plan, uint asNumber)
    {
        var daemons = LabNamespaces.Processes(plan[asNumber].Routers[0].Namespace)
            .Where(pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains("run\0--config", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(daemons);
        LabNamespaces.Signal(daemons, "KILL");
    }

    public void Dispose()
    {
        if (Environment.UserName == "root")
        {
            _lab.Down(_id, _dir, keepFiles: false);
        }
        // dotnet test shows this for a failed test: what the lab did, and the trees it traced.
        _output.WriteLine(_progress.ToString());
        _progress.Dispose();
    }
}
