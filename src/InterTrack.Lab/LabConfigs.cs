using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InterTrack.Lab;

/// <summary>
/// The files a real deployment of each AS would have: the <c>intertrack run</c> configuration
/// (the format of docs/configuration.md) and, for flow ASes, one pmacctd configuration per
/// interface and direction.
/// </summary>
internal static class LabConfigs
{
    public const string NodeFile = "node.json", DigestDirectory = "digests", FlowDirectory = "flows";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="interfaceIndex">The kernel's index of a router interface (flow links name it): (router, interface) → index.</param>
    public static string Node(LabPlan plan, LabAs labAs, Func<LabRouter, LabInterface, int> interfaceIndex)
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
        if (labAs.System != LabSystem.None)
        {
            var (system, evidenceField, evidence) = labAs.System switch
            {
                LabSystem.Digest => (Digest.DigestKind.KindName, "digests", DigestDirectory),
                LabSystem.Flow => (Flow.FlowKind.KindName, "flows", FlowDirectory),
                _ => (LinkTesting.LinkTestKind.KindName, null, null), // no store: the routers' counters are read live
            };
            // Digest and link-testing links are the router's interfaces; flow links are the exporter's interface indexes.
            string Link(LabRouter router, LabInterface i, string direction) => labAs.System == LabSystem.Flow
                ? $"{router.Loopback}/{interfaceIndex(router, i).ToString(CultureInfo.InvariantCulture)}:{direction}"
                : $"{i.Name}:{direction}";

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
                ["system"] = system,
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
                ["system"] = system,
                ["routers"] = routers,
            };
            if (evidenceField is not null)
            {
                btm[evidenceField] = evidence;
                dtm[evidenceField] = evidence;
            }
            config["btm"] = btm;
            config["dtm"] = dtm;
            if (labAs.System == LabSystem.LinkTest)
            {
                // The node runs in the first router's namespace and reaches every router's nft the way an operator would reach a router: by a command.
                // 30 s: 'lab attack' waits for the other ASes' evidence and 'lab trace' starts a client, which on a
                // busy machine takes longer than the default 10 s after the attack's last packet.
                config[LinkTesting.LinkTestKind.KindName] = new JsonObject
                {
                    ["windowSeconds"] = 30,
                    ["routers"] = new JsonArray([.. labAs.Routers.Select(r => (JsonNode)new JsonObject
                    {
                        ["name"] = r.Name,
                        ["nft"] = new JsonArray("ip", "netns", "exec", r.Namespace, "nft"),
                    })]),
                };
            }
            if (labAs.System == LabSystem.Flow)
            {
                config["collector"] = new JsonObject { ["listen"] = $"{itm}:{LabPlan.CollectorPort}", ["out"] = FlowDirectory };
            }
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

    /// <summary>
    /// pmacctd watching one interface in one direction and exporting IPFIX (its nfprobe plugin) to
    /// the AS's collector, with the router's loopback as exporter address. Flows expire after 1 s
    /// idle and 2 s at most, so a trace right after an attack finds them.
    /// </summary>
    public static string Pmacctd(LabAs labAs, LabRouter router, LabInterface i, string direction) => $"""
        ! AS{labAs.Number} {router.Name} {i.Name} {direction} — written by 'intertrack lab up'
        daemonize: false
        pcap_interface: {i.Name}
        pcap_direction: {direction}
        pcap_ifindex: sys
        plugins: nfprobe
        nfprobe_receiver: {labAs.ItmAddress}:{LabPlan.CollectorPort}
        nfprobe_source_ip: {router.Loopback}
        nfprobe_version: 10
        nfprobe_timeouts: tcp=1:udp=1:icmp=1:general=1:maxlife=2:expint=1
        aggregate: src_host, dst_host, src_port, dst_port, proto, tos

        """;
}
