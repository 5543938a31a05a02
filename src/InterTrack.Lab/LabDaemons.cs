using System.Diagnostics;
using InterTrack.Node.Pki;
using InterTrack.Protocol.Model;

namespace InterTrack.Lab;

/// <summary>
/// Each AS's traceback systems and InterTrack daemons, as a real deployment runs them: a PKI for
/// the lab, <c>intertrack capture</c> per router (digest ASes) or pmacctd per interface and
/// direction (flow ASes), and <c>intertrack run</c> with the AS's configuration on its first router
/// (which, in link-testing ASes, installs the counters on the routers itself).
/// </summary>
/// <param name="intertrack">How to start the intertrack command (the executable, or dotnet and the dll).</param>
internal sealed class LabDaemons(LabPlan plan, IReadOnlyList<string> intertrack)
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
    /// Writes the configurations and starts every AS's evidence collection and daemons; returns
    /// when all say they run. The flow exporters start only once their AS's collector (in its
    /// node) listens: pmacctd sends its IPFIX templates with its first export and then only every
    /// 18th message, so templates sent to a collector not yet listening are lost, and the records
    /// of an attack that follow are dropped unread for want of them.
    /// </summary>
    public void Start(TextWriter progress)
    {
        var pending = new List<(string Name, string Log, string Ready)>();
        foreach (var labAs in plan.Ases)
        {
            string dir = plan.AsDirectory(labAs.Number);
            var indexes = labAs.Routers.ToDictionary(r => r.Name, r => LabNetwork.InterfaceIndexes(r.Namespace));
            File.WriteAllText(Path.Combine(dir, LabConfigs.NodeFile), LabConfigs.Node(plan, labAs, (r, i) => indexes[r.Name][i.Name]));
            if (labAs.System == LabSystem.Digest)
            {
                Directory.CreateDirectory(Path.Combine(dir, LabConfigs.DigestDirectory));
                foreach (var router in labAs.Routers)
                {
                    string log = Log(labAs, $"capture-{router.Name}");
                    // Small pages that seal every 2 s: a trace right after the attack finds its packets in the archive.
                    Shell.StartDetached(router.Namespace, log, [.. intertrack, "capture", "--interface", .. router.Interfaces.Select(i => i.Name),
                        "--out", Path.Combine(dir, LabConfigs.DigestDirectory), "--window", "2", "--page-packets", "65536", "--memory-mib", "64"]);
                    pending.Add(($"AS{labAs.Number} {router.Name} capture", log, "capturing on"));
                }
            }
            string nodeLog = Log(labAs, "node");
            Shell.StartDetached(labAs.Routers[0].Namespace, nodeLog, [.. intertrack, "run", "--config", Path.Combine(dir, LabConfigs.NodeFile)]);
            pending.Add(($"AS{labAs.Number} intertrack run", nodeLog, "running; Ctrl+C"));
        }
        WaitForLogs(pending, TimeSpan.FromSeconds(60));
        foreach (var labAs in plan.Ases.Where(a => a.System == LabSystem.Flow))
        {
            foreach (var router in labAs.Routers)
            {
                foreach (var i in router.Interfaces)
                {
                    foreach (string direction in new[] { "in", "out" })
                    {
                        string conf = Path.Combine(plan.AsDirectory(labAs.Number), $"pmacctd-{i.Name}-{direction}.conf");
                        File.WriteAllText(conf, LabConfigs.Pmacctd(labAs, router, i, direction));
                        string log = Log(labAs, $"pmacctd-{i.Name}-{direction}");
                        Shell.StartDetached(router.Namespace, log, "pmacctd", "-f", conf);
                        // pmacctd logs the link type once libpcap has the interface open: from then on it sees every packet.
                        pending.Add(($"AS{labAs.Number} {router.Name} pmacctd {i.Name} {direction}", log, "link type is"));
                    }
                }
            }
        }
        WaitForLogs(pending, TimeSpan.FromSeconds(60));
        progress.WriteLine($"daemons: {plan.Ases.Count} ASes run intertrack ({plan.Ases.Count(a => a.System == LabSystem.Digest)} digest, "
            + $"{plan.Ases.Count(a => a.System == LabSystem.Flow)} flow, {plan.Ases.Count(a => a.System == LabSystem.LinkTest)} link testing, " +
            $"{plan.Ases.Count(a => a.System == LabSystem.None)} nothing); logs in {plan.Directory}/as*/logs");
    }

    public string Log(LabAs labAs, string name) => Path.Combine(plan.AsDirectory(labAs.Number), "logs", $"{name}.log");

    private static void WaitForLogs(List<(string Name, string Log, string Ready)> pending, TimeSpan limit)
    {
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
