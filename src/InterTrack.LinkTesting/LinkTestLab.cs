using System.Text.Json.Nodes;
using InterTrack.Node.Kinds;

namespace InterTrack.LinkTesting;

/// <summary>
/// Link testing in the lab: the node, on the AS's first router, installs nftables counters of the
/// attack's signatures on every router's interfaces while it traces, and reaches each router's
/// nft the way an operator would reach a router: by a command. Nothing runs beforehand and
/// nothing is stored.
/// </summary>
internal sealed class LinkTestLab : ILabKind
{
    public string Description => "input debugging on nftables counters of the routers' interfaces, which sees an attack only while it lasts";
    public double DefaultShare => 0;
    public IReadOnlyList<(string Program, string Package)> Programs => [("nft", "nftables")];
    public bool StoresEvidence => false;

    private const int WindowSeconds = 120;

    public string Link(LabRouterSite router, LabInterfaceSite face, string direction) => $"{face.Name}:{direction}";

    /// <summary>
    /// A 120 s window: <c>lab attack</c> waits for the other ASes' evidence and <c>lab trace</c> starts a client and crosses
    /// the ASes before this one, which on 2 loaded cores (CI beside other builds) came more than 30 s after it.
    /// </summary>
    public void Configure(LabAsSite site, JsonObject node, JsonObject btm, JsonObject dtm) =>
        node[LinkTestKind.KindName] = new JsonObject
        {
            ["windowSeconds"] = WindowSeconds,
            ["routers"] = new JsonArray([.. site.Routers.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Name,
                ["nft"] = new JsonArray("ip", "netns", "exec", r.Namespace, "nft"),
            })]),
        };

    public IReadOnlyList<LabProcess> Processes(LabAsSite site) => [];

    public StoredEvidence? OpenEvidence(LabAsSite site) => null;
}
