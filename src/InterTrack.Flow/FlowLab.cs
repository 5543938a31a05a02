using System.Globalization;
using System.Text.Json.Nodes;
using InterTrack.Flow.Store;
using InterTrack.Node.Kinds;

namespace InterTrack.Flow;

/// <summary>
/// Flow records in the lab: one pmacctd per router interface and direction exports IPFIX (its
/// nfprobe plugin) to the collector of the AS's node, with the router's loopback as exporter
/// address; the BTM and DTM read the flow store the collector writes. Flows expire after 1 s idle
/// and 2 s at most, so a trace right after an attack finds them.
/// </summary>
internal sealed class FlowLab : ILabKind
{
    /// <summary>The flow store, in the AS's directory.</summary>
    public const string Directory = "flows";

    /// <summary>IANA's IPFIX port, on the ITM's address.</summary>
    public const int CollectorPort = 4739;

    public string Description => "pmacctd exports IPFIX from every router interface to the AS's collector";
    public double DefaultShare => 0.3;
    public IReadOnlyList<(string Program, string Package)> Programs => [("pmacctd", "pmacct")];
    public bool StoresEvidence => true;

    /// <summary>The exporter's interface, as its records name it.</summary>
    public string Link(LabRouterSite router, LabInterfaceSite face, string direction) =>
        $"{router.Loopback}/{face.Index.ToString(CultureInfo.InvariantCulture)}:{direction}";

    public void Configure(LabAsSite site, JsonObject node, JsonObject btm, JsonObject dtm)
    {
        btm["flows"] = Directory;
        dtm["flows"] = Directory;
        node[FlowKind.CollectorSection] = new JsonObject { ["listen"] = $"{site.ItmAddress}:{CollectorPort}", ["out"] = Directory };
    }

    /// <summary>
    /// After the node: pmacctd sends its IPFIX templates with its first export and then only every
    /// 18th message, so templates sent to a collector not yet listening are lost, and the records of
    /// an attack that follow are dropped unread for want of them.
    /// </summary>
    public IReadOnlyList<LabProcess> Processes(LabAsSite site)
    {
        var processes = new List<LabProcess>();
        foreach (var router in site.Routers)
        {
            foreach (var face in router.Interfaces)
            {
                foreach (string direction in new[] { "in", "out" })
                {
                    string conf = Path.Combine(site.Directory, $"pmacctd-{face.Name}-{direction}.conf");
                    File.WriteAllText(conf, Pmacctd(site, router, face, direction));
                    // pmacctd logs the link type once libpcap has the interface open: from then on it sees every packet.
                    processes.Add(new LabProcess($"AS{site.Number} {router.Name} pmacctd {face.Name} {direction}", router.Namespace,
                        site.Log($"pmacctd-{face.Name}-{direction}"), ["pmacctd", "-f", conf], Ready: "link type is", AfterNode: true));
                }
            }
        }
        return processes;
    }

    private static string Pmacctd(LabAsSite site, LabRouterSite router, LabInterfaceSite face, string direction) => $"""
        ! AS{site.Number} {router.Name} {face.Name} {direction} — written by 'intertrack lab up'
        daemonize: false
        pcap_interface: {face.Name}
        pcap_direction: {direction}
        pcap_ifindex: sys
        plugins: nfprobe
        nfprobe_receiver: {site.ItmAddress}:{CollectorPort}
        nfprobe_source_ip: {router.Loopback}
        nfprobe_version: 10
        nfprobe_timeouts: tcp=1:udp=1:icmp=1:general=1:maxlife=2:expint=1
        aggregate: src_host, dst_host, src_port, dst_port, proto, tos

        """;

    public StoredEvidence? OpenEvidence(LabAsSite site)
    {
        string flows = Path.Combine(site.Directory, Directory);
        if (!System.IO.Directory.Exists(flows))
        {
            return null; // the collector has not written anything yet
        }
        var store = FlowStore.OpenReader(flows);
        return new StoredEvidence(new FlowEvidence(store), store);
    }
}
