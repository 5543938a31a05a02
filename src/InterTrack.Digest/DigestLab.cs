using System.Text.Json.Nodes;
using InterTrack.Node.Kinds;

namespace InterTrack.Digest;

/// <summary>
/// Packet digests in the lab: <c>intertrack capture</c> on every router digests all its interfaces
/// into the AS's page directory, which the BTM and DTM read. Small pages that seal every 2 s, so a
/// trace right after an attack finds its packets in the archive.
/// </summary>
internal sealed class DigestLab : ILabKind
{
    /// <summary>The page directory, in the AS's directory.</summary>
    public const string Directory = "digests";

    public string Description => "every router digests its packets (intertrack capture, SPIE)";
    public double DefaultShare => 0;
    public IReadOnlyList<(string Program, string Package)> Programs => [];
    public bool StoresEvidence => true;

    public string Link(LabRouterSite router, LabInterfaceSite face, string direction) => $"{face.Name}:{direction}";

    public void Configure(LabAsSite site, JsonObject node, JsonObject btm, JsonObject dtm)
    {
        btm["digests"] = Directory;
        dtm["digests"] = Directory;
    }

    public IReadOnlyList<LabProcess> Processes(LabAsSite site)
    {
        string pages = Path.Combine(site.Directory, Directory);
        System.IO.Directory.CreateDirectory(pages);
        return [.. site.Routers.Select(r => new LabProcess($"AS{site.Number} {r.Name} capture", r.Namespace, site.Log($"capture-{r.Name}"),
            [.. site.Intertrack, "capture", "--interface", .. r.Interfaces.Select(i => i.Name), "--out", pages, "--window", "2", "--page-packets", "65536",
                "--memory-mib", "64"],
            Ready: "capturing on", AfterNode: false))];
    }

    public StoredEvidence? OpenEvidence(LabAsSite site)
    {
        var archive = new DigestArchiveSource(Path.Combine(site.Directory, Directory), refresh: TimeSpan.Zero);
        return new StoredEvidence(new DigestEvidence(archive), archive);
    }
}
