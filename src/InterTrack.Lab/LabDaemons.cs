using System.Diagnostics;
using InterTrack.Node.Kinds;
using InterTrack.Node.Pki;
using InterTrack.Protocol.Model;

namespace InterTrack.Lab;

/// <summary>
/// Each AS's traceback systems and InterTrack daemons, as a real deployment runs them: a PKI for
/// the lab, what the AS's kind of traceback system runs on its routers (<see cref="ILabKind"/>),
/// and <c>intertrack run</c> with the AS's configuration on its first router.
/// </summary>
/// <param name="intertrack">How to start the intertrack command (the executable, or dotnet and the dll).</param>
/// <param name="kinds">The kinds of traceback system the ASes run, by the names in the plan.</param>
internal sealed class LabDaemons(LabPlan plan, IReadOnlyList<string> intertrack, KindRegistry kinds)
{
    public void IssuePki()
    {
        var now = DateTimeOffset.UtcNow;
        string caDir = Path.Combine(plan.PkiDirectory, "ca"), nodes = Path.Combine(plan.PkiDirectory, "nodes");
        Directory.CreateDirectory(caDir);
        Directory.CreateDirectory(nodes);
        using var ca = CertificateAuthority.Create($"InterTrack lab {plan.Id}", now.AddMinutes(-5), now.AddDays(30));
        PemFiles.WriteCertificate(Path.Combine(caDir, "ca.crt"), ca.Certificate);
        PemFiles.WritePrivateKey(Path.Combine(caDir, "ca.key"), ca.Certificate);
        foreach (var labAs in plan.Ases)
        {
            NodeRole[] roles = labAs.Number == plan.Victim
                ? [NodeRole.Itm, NodeRole.Btm, NodeRole.Dtm, NodeRole.DPoint, NodeRole.Client]
                : [NodeRole.Itm, NodeRole.Btm, NodeRole.Dtm];
            foreach (var role in roles)
            {
                var identity = new NodeIdentity(labAs.Number, role);
                using var certificate = ca.Issue(identity, now.AddMinutes(-5), now.AddDays(30));
                string stem = Path.Combine(nodes, $"as{labAs.Number}-{identity.RoleName}");
                PemFiles.WriteCertificate(stem + ".crt", certificate);
                PemFiles.WritePrivateKey(stem + ".key", certificate);
            }
        }
    }

    /// <summary>
    /// Writes the configurations and starts every AS's node and what its kind of traceback system runs on the routers;
    /// returns when all say they run. Some of the kinds' programs start only once their AS's node listens
    /// (<see cref="LabProcess.AfterNode"/>).
    /// </summary>
    public void Start(TextWriter progress)
    {
        var pending = new List<LabProcess>();
        var after = new List<LabProcess>();
        foreach (var labAs in plan.Ases)
        {
            string dir = plan.AsDirectory(labAs.Number);
            var site = LabSites.Of(plan, labAs, intertrack);
            var kind = kinds.Named(labAs.System)?.Lab;
            File.WriteAllText(Path.Combine(dir, LabConfigs.NodeFile), LabConfigs.Node(plan, labAs, kind, site));
            var processes = kind?.Processes(site) ?? [];
            after.AddRange(processes.Where(p => p.AfterNode));
            pending.AddRange(processes.Where(p => !p.AfterNode));
            pending.Add(new LabProcess($"AS{labAs.Number} intertrack run", labAs.Routers[0].Namespace, site.Log("node"),
                [.. intertrack, "run", "--config", Path.Combine(dir, LabConfigs.NodeFile)], "running; Ctrl+C", AfterNode: false));
        }
        StartAll(pending);
        StartAll(after);
        var counts = plan.Ases.GroupBy(a => a.System).ToDictionary(g => g.Key, g => g.Count());
        progress.WriteLine($"daemons: {plan.Ases.Count} ASes run intertrack (" +
            string.Join(", ", kinds.InLab.Select(k => k.Name).Append(KindRegistry.None).Select(k => $"{counts.GetValueOrDefault(k)} {k}")) +
            $"); logs in {plan.Directory}/as*/logs");
    }

    private static void StartAll(List<LabProcess> processes)
    {
        foreach (var p in processes)
        {
            Shell.StartDetached(p.Namespace, p.Log, [.. p.Command]);
        }
        WaitForLogs(processes, TimeSpan.FromSeconds(60));
    }

    private static void WaitForLogs(IEnumerable<LabProcess> processes, TimeSpan limit)
    {
        var pending = processes.ToList();
        var clock = Stopwatch.StartNew();
        while (pending.Count > 0)
        {
            pending.RemoveAll(p => File.Exists(p.Log) && File.ReadAllText(p.Log).Contains(p.Ready, StringComparison.Ordinal));
            foreach (var p in pending.Where(p => File.Exists(p.Log) && File.ReadAllText(p.Log).Contains("error:", StringComparison.Ordinal)))
            {
                throw new LabException($"{p.Name} did not start: " +
                    $"{File.ReadAllLines(p.Log).Last(l => l.Contains("error:", StringComparison.Ordinal)).Trim()} ({p.Log})");
            }
            if (pending.Count > 0 && clock.Elapsed > limit)
            {
                throw new LabException($"{pending[0].Name} did not start in {limit.TotalSeconds:0} s (see {pending[0].Log})");
            }
            Thread.Sleep(200);
        }
    }
}
