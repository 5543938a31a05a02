using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using InterTrack.Node.Kinds;
using InterTrack.Node.Topology;
using InterTrack.Packets.Capture;

namespace InterTrack.Lab;

/// <summary>
/// The lab's commands: up, attack, trace, down. Nothing in the managers knows they run in a lab:
/// the lab only writes the configurations a deployment would have and starts the same programs.
/// </summary>
/// <param name="intertrack">How to start the intertrack command (the executable, or dotnet and the dll).</param>
/// <param name="kinds">The kinds of traceback system the program runs: the lab deploys those that say how (<see cref="ILabKind"/>).</param>
public sealed class TracebackLab(IReadOnlyList<string> intertrack, TextWriter progress, KindRegistry kinds)
{
    /// <summary>
    /// Checks for root and the programs the lab runs; what is missing is installed from Debian's
    /// packages (as scripts/test.sh does), so a fresh machine with only the .NET SDK can run the lab.
    /// </summary>
    public void EnsureRootAndTools(params IEnumerable<string> tools)
    {
        if (Environment.UserName != "root")
        {
            throw new LabException("the lab needs root (network namespaces, raw sockets, capture)");
        }
        var packages = kinds.InLab.SelectMany(k => k.Lab!.Programs).ToDictionary(p => p.Program, p => p.Package);
        var missing = tools.Where(t => !Shell.Has(t)).Select(t => packages.GetValueOrDefault(t) ?? Package(t))
            .Concat(HasLibpcap() ? [] : ["libpcap0.8"]).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }
        if (!Shell.Has("apt-get"))
        {
            throw new LabException($"missing {string.Join(", ", missing)}, and there is no apt-get to install them");
        }
        progress.WriteLine($"installing: {string.Join(" ", missing)}");
        Shell.Run("apt-get", "update", "-qq");
        Shell.Run("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "--no-install-recommends", .. missing]);
    }

    private static bool HasLibpcap()
    {
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad("libpcap.so.0.8", out var handle))
        {
            return false;
        }
        System.Runtime.InteropServices.NativeLibrary.Free(handle);
        return true;
    }

    private static string Package(string tool) => tool switch
    {
        "bird" or "birdc" => "bird2",
        "ip" => "iproute2",
        "setsid" => "util-linux",
        _ => tool,
    };

    public LabPlan Up(LabOptions options)
    {
        var graph = options.TopologyFile is { } file ? ReadTopology(file) : LabTopology.Generate(options.Ases, options.Seed);
        var plan = LabDesign.Plan(graph, options, kinds);
        EnsureRootAndTools(["ip", "setsid", "bird", "birdc", "tcpdump", .. plan.Ases.Select(a => kinds.Named(a.System)?.Lab).OfType<ILabKind>()
            .SelectMany(k => k.Programs).Select(p => p.Program).Distinct()]);
        if (LabNamespaces.OfLab(plan.Id) is { Count: > 0 } running)
        {
            throw new LabException($"lab '{plan.Id}' is already running ({running.Count} namespaces); stop it with 'intertrack lab " +
                $"down --lab {plan.Id}' first");
        }
        RefuseRunningLabIn(plan.Directory);
        PrepareDirectory(plan.Directory);
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var labAs in plan.Ases)
            {
                Directory.CreateDirectory(Path.Combine(plan.AsDirectory(labAs.Number), "logs"));
            }
            plan.Save();
            progress.WriteLine($"lab {plan.Id}: {plan.Ases.Count} ASes, victim AS{plan.Victim} ({plan.VictimAs.HostAddress}); files in {plan.Directory}");
            foreach (var labAs in plan.Ases)
            {
                progress.WriteLine($"  AS{labAs.Number}: {labAs.System}, {labAs.Routers.Count} router" +
                    $"{(labAs.Routers.Count > 1 ? "s" : "")}, "
                    + string.Join(" ",
                    labAs.Routers.SelectMany(r => r.Interfaces).Where(i => i.NeighborAs is not null).Select(i => $"{i.Relation}:AS{i.NeighborAs}")));
            }
            var daemons = new LabDaemons(plan, intertrack, kinds);
            daemons.IssuePki();
            LabNetwork.Build(plan);
            LabNetwork.StartBgp(plan);
            double converged = LabNetwork.WaitForBgp(plan, TimeSpan.FromSeconds(90));
            plan = plan with { BgpConvergedSeconds = converged };
            plan.Save();
            progress.WriteLine($"bgp: converged in {converged:0.0} s (every session up, every router routes to AS{plan.Victim}'s {plan.VictimAs.Prefix})");
            daemons.Start(progress);
            progress.WriteLine($"lab {plan.Id} up in {clock.Elapsed.TotalSeconds:0.0} s");
            return plan;
        }
        catch
        {
            LabNamespaces.Remove(plan.Id); // leave nothing running behind a failed start; the files stay for reading
            throw;
        }
    }

    private static AsGraph ReadTopology(string file)
    {
        try
        {
            return CaidaFormat.Read(file);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            throw new LabException($"--topology: {file}: {e.Message}", e);
        }
    }

    /// <summary>A directory holding a lab that still runs is that lab's: its files are not ours to delete.</summary>
    private static void RefuseRunningLabIn(string directory)
    {
        if (!File.Exists(Path.Combine(directory, LabPlan.FileName)))
        {
            return;
        }
        string id = LabPlan.Load(directory).Id;
        if (LabNamespaces.OfLab(id) is { Count: > 0 } running)
        {
            throw new LabException($"--dir: {directory} holds lab '{id}', which is running ({running.Count} namespaces); stop it with 'intertrack lab down " +
                $"--dir {directory}' first, or give another --dir");
        }
    }

    /// <summary>The lab's directory: created, or emptied when it holds an earlier lab that no longer runs; anything else is refused.</summary>
    private static void PrepareDirectory(string directory)
    {
        if (File.Exists(directory))
        {
            throw new LabException($"--dir: {directory} is a file");
        }
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            if (!File.Exists(Path.Combine(directory, LabPlan.FileName)))
            {
                throw new LabException($"--dir: {directory} is not empty and holds no lab; give an empty or new directory");
            }
            Directory.Delete(directory, recursive: true);
        }
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LabException($"--dir: {directory}: {e.Message}", e);
        }
    }

    /// <summary>Forged-source packets from the hosts of <paramref name="from"/>, captured at the victim's host.</summary>
    public LabAttack Attack(LabPlan plan, IReadOnlyList<uint> from, int packets, double rate)
    {
        EnsureRootAndTools("tcpdump");
        if (from.Count == 0 || from.Contains(plan.Victim))
        {
            throw new LabException($"--from: attackers must be ASes other than the victim's AS{plan.Victim}");
        }
        var attackers = from.Select(a => plan[a]).ToList();
        if (LabNamespaces.OfLab(plan.Id).Count == 0)
        {
            throw new LabException($"lab '{plan.Id}' is not running; start it with 'intertrack lab up'");
        }
        var victim = plan.VictimAs;
        File.Delete(plan.VictimCapture);
        string log = Path.Combine(plan.AsDirectory(victim.Number), "logs", "victim-tcpdump.log");
        Shell.StartDetached(victim.HostNamespace, log, "tcpdump", "-i", "eth0", "-Q", "in", "-n", "-U", "-Z", "root", "-w", plan.VictimCapture, "ip", "dst",
            victim.HostAddress, "and", "(udp", "or", "tcp)");
        var wait = Stopwatch.StartNew();
        while (!File.Exists(plan.VictimCapture))
        {
            if (wait.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new LabException($"tcpdump at the victim did not start (see {log})");
            }
            Thread.Sleep(50);
        }
        var start = DateTimeOffset.UtcNow;
        progress.WriteLine($"attack: {packets} forged packets from each of {string.Join(", ", from.Select(a => $"AS{a}"))} to {victim.HostAddress} " +
            $"at {rate:0} packets/s each");
        var sending = attackers.Select(a => Task.Factory.StartNew(() => ForgedSender.Send(a.HostNamespace, IPAddress.Parse(victim.HostAddress), packets, rate,
            seed: Random.Shared.Next()),
            TaskCreationOptions.LongRunning)).ToArray();
        var results = Task.WhenAll(sending).GetAwaiter().GetResult();
        int sent = results.Sum(r => r.Sent);
        var end = DateTimeOffset.UtcNow;
        Thread.Sleep(1000); // the last packets cross the routers
        var tcpdumps = LabNamespaces.Processes(victim.HostNamespace);
        LabNamespaces.Signal(tcpdumps, "INT");
        var stopping = Stopwatch.StartNew();
        while (tcpdumps.Any(p => Directory.Exists($"/proc/{p}")) && stopping.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(50); // tcpdump writes out what it holds, then exits
        }
        int captured = CountPackets(plan.VictimCapture);
        var paths = from.ToDictionary(a => a, a => LabNetwork.AsPath(plan, plan[a], victim.HostAddress));
        var attack = new LabAttack(from, sent, captured, start, end, paths);
        attack.Save(plan.Directory);
        progress.WriteLine($"attack: sent {sent}, captured at the victim {captured} ({plan.VictimCapture})");
        foreach (var (a, path) in paths)
        {
            progress.WriteLine($"  BGP path from AS{a}: {path ?? "none"}");
        }
        // The BTMs read new pages within a second of their sealing: one more second, and a trace finds it all.
        var (took, missing) = LabEvidence.WaitFor(plan, kinds, [.. from.Select((a, k) => (paths[a], results[k].Last))], TimeSpan.FromSeconds(60));
        Thread.Sleep(1000);
        progress.WriteLine(took is { } t
            ? $"evidence: every AS on the attack paths has stored the attackers' last packets ({t.TotalSeconds:0.0} s after the attack)"
            : $"warning: after 60 s, the attackers' last packets were still not stored on {string.Join("; ", missing)}");
        return attack;
    }

    private static int CountPackets(string path)
    {
        int count = 0;
        try
        {
            using var reader = CaptureReader.Open(path);
            while (reader.TryRead(out _))
            {
                count++;
            }
        }
        catch (CaptureFormatException)
        {
            // a capture cut short still counts what it holds
        }
        return count;
    }

    /// <summary>Runs the real <c>intertrack trace</c> from the victim's host against its AS's D Point with the victim's capture.</summary>
    public LabTrace Trace(LabPlan plan)
    {
        var attack = LabAttack.Load(plan.Directory);
        var victim = plan.VictimAs;
        string nodes = Path.Combine(plan.PkiDirectory, "nodes");
        string[] credentials = ["--cert", Path.Combine(nodes, $"as{victim.Number}-tc.crt"), "--key", Path.Combine(nodes, $"as{victim.Number}-tc.key"),
            "--ca", Path.Combine(plan.PkiDirectory, "ca", "ca.crt")];
        string dp = $"{victim.ItmAddress}:{LabPlan.DPointPort}";
        var began = DateTimeOffset.UtcNow;
        var (code, output, error) = Shell.TryRun("ip", ["netns", "exec", victim.HostNamespace, .. intertrack, "trace", "--dp", dp, "--pcap", plan.VictimCapture,
            "--all", "--json", "--wait", "60", .. credentials]);
        if (code is not (0 or 1))
        {
            throw new LabException($"intertrack trace failed: {error.Trim()}");
        }
        // Evidence that lives only while the attack does (link testing) needs the trace soon after it: say how soon it was.
        var took = DateTimeOffset.UtcNow - began;
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trace: began {(began - attack.End).TotalSeconds:0.0} s after the attack's last packet, answered in {took.TotalSeconds:0.0} s"));
        var result = JsonDocument.Parse(output).RootElement.Clone();
        string id = result.GetProperty("messageId").GetString()!;
        var (_, tree, _) = Shell.TryRun("ip", ["netns", "exec", victim.HostNamespace, .. intertrack, "trace", "--dp", dp, "--result-of", id, .. credentials]);
        var origins = result.GetProperty("originAses").EnumerateArray().Select(e => e.GetUInt32()).ToList();
        var truth = attack.From.ToHashSet();
        int hits = origins.Count(truth.Contains);
        return new LabTrace(result, tree, origins, (double)hits / truth.Count, origins.Count == 0 ? 0 : (double)hits / origins.Count);
    }

    /// <summary>Stops and removes everything of lab <paramref name="id"/>; the directory too unless <paramref name="keepFiles"/>.</summary>
    public void Down(string id, string directory, bool keepFiles)
    {
        var (namespaces, processes) = LabNamespaces.Remove(id);
        bool removeFiles = !keepFiles && File.Exists(Path.Combine(directory, LabPlan.FileName));
        if (removeFiles)
        {
            DeleteDirectory(directory);
        }
        progress.WriteLine($"lab {id} down: {processes} processes stopped, {namespaces} namespaces removed"
            + (removeFiles ? $", {directory} deleted" : Directory.Exists(directory) ? $", files kept in {directory}" : ""));
    }

    /// <summary>Deletes the lab's directory; a process that was still dying may remove its own files meanwhile (BIRD's socket).</summary>
    private static void DeleteDirectory(string directory)
    {
        for (int attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException) when (attempt < 3)
            {
                // a file vanished under the walk: walk again
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LabException($"--dir: {directory}: cannot delete it ({e.Message}); the lab is down, its files stay", e);
            }
        }
    }

    public static string Format(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
