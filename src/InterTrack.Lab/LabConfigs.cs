using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using InterTrack.Node.Kinds;

namespace InterTrack.Lab;

/// <summary>
/// The files a real deployment of each AS would have: the <c>intertrack run</c> configuration
/// (the format of docs/configuration.md), with what its kind of traceback system adds
/// (<see cref="ILabKind.Configure"/>).
/// </summary>
internal static class LabConfigs
{
    public const string NodeFile = "node.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="kind">The AS's kind of traceback system; null when it runs none.</param>
    /// <param name="site">The AS as its kind sees it.</param>
    public static string Node(LabPlan plan, LabAs labAs, ILabKind? kind, LabAsSite site)
    {
        string itm = labAs.ItmAddress;
        var neighbors = new JsonObject();
        var exportLevels = new JsonObject();
        foreach (var link in labAs.Routers.SelectMany(r => r.Interfaces).Where(i => i.NeighborAs is not null).OrderBy(i => i.NeighborAs))
        {
            string key = link.NeighborAs!.Value.ToString(CultureInfo.InvariantCulture);
            neighbors[key] = $"{plan[link.NeighborAs.Value].ItmAddress}:{LabPlan.ItmPort}";
            exportLevels[key] = "all"; // the lab shows router paths to everybody
        }
        var config = new JsonObject
        {
            ["as"] = labAs.Number,
            ["ca"] = "../pki/ca/ca.crt",
            ["certificates"] = "../pki/nodes",
        };
        var itmConfig = new JsonObject
        {
            ["listen"] = $"{itm}:{LabPlan.ItmPort}",
            ["neighbors"] = neighbors,
            ["exportLevels"] = exportLevels,
            ["traceTimeoutSeconds"] = 20,
            ["heartbeatSeconds"] = 5,
        };
        config["itm"] = itmConfig;
        if (kind is not null)
        {
            string Link(LabRouter router, LabInterface i, string direction)
            {
                var routerSite = site.Routers.Single(r => r.Name == router.Name);
                return kind.Link(routerSite, routerSite.Interfaces.Single(f => f.Name == i.Name), direction);
            }

            itmConfig["btm"] = $"127.0.0.1:{LabPlan.BtmPort}";
            itmConfig["dtms"] = new JsonArray($"127.0.0.1:{LabPlan.DtmPort}");
            var borderLinks = new JsonArray();
            foreach (var router in labAs.Routers)
            {
                foreach (var i in router.Interfaces.Where(i => i.NeighborAs is not null))
                {
                    foreach (string direction in new[] { "in", "out" })
                    {
                        borderLinks.Add(new JsonObject { ["link"] = Link(router, i, direction), ["neighborAs"] = i.NeighborAs, ["direction"] = direction });
                    }
                }
            }
            var btm = new JsonObject
            {
                ["listen"] = $"127.0.0.1:{LabPlan.BtmPort}",
                ["system"] = labAs.System,
                ["links"] = borderLinks,
            };
            var routers = new JsonArray();
            foreach (var router in labAs.Routers)
            {
                var ingress = new JsonArray();
                foreach (var i in router.Interfaces)
                {
                    string from = i.NeighborAs is { } n ? $"as:{n}" : i.PeerRouter ?? "hosts";
                    ingress.Add(new JsonObject { ["link"] = Link(router, i, "in"), ["from"] = from });
                }
                routers.Add(new JsonObject { ["name"] = router.Name, ["ingress"] = ingress });
            }
            var dtm = new JsonObject
            {
                ["listen"] = $"127.0.0.1:{LabPlan.DtmPort}",
                ["system"] = labAs.System,
                ["routers"] = routers,
            };
            config["btm"] = btm;
            config["dtm"] = dtm;
            kind.Configure(site, config, btm, dtm);
        }
        if (labAs.Number == plan.Victim)
        {
            config["dp"] = new JsonObject
            {
                ["listen"] = $"{itm}:{LabPlan.DPointPort}",
                ["itm"] = $"{itm}:{LabPlan.ItmPort}",
                ["database"] = "dpoint.db",
            };
        }
        return config.ToJsonString(Indented) + "\n";
    }
}
