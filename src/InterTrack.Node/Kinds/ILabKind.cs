using System.Text.Json.Nodes;
using InterTrack.Node.Tracing;

namespace InterTrack.Node.Kinds;

/// <summary>
/// A kind of traceback system as the lab deploys it on an AS's routers (network namespaces): what
/// it starts there, what it adds to the AS's node configuration, and where the lab reads back
/// what it stored to know an attack's evidence is in.
/// </summary>
public interface ILabKind
{
    /// <summary>What runs on the routers, for <c>lab up --NAME</c>'s help ("pmacctd exports IPFIX …").</summary>
    string Description { get; }

    /// <summary>The share of a lab's ASes drawn to run it when <c>lab up</c> is not told (0: only the ASes named).</summary>
    double DefaultShare { get; }

    /// <summary>The programs it starts or calls, each with the Debian package that has it, installed when missing.</summary>
    IReadOnlyList<(string Program, string Package)> Programs { get; }

    /// <summary>The link of a router interface in one direction, as its BTM and DTM name it (<c>btm.links[].link</c>).</summary>
    string Link(LabRouterSite router, LabInterfaceSite face, string direction);

    /// <summary>Adds its settings to the AS's node configuration: its own sections, and where the BTM and DTM find the evidence.</summary>
    void Configure(LabAsSite site, JsonObject node, JsonObject btm, JsonObject dtm);

    /// <summary>
    /// The programs it runs on the AS's routers, writing their configuration files into the AS's directory. Those
    /// <see cref="LabProcess.AfterNode"/> start once the node listens (an exporter whose first messages went nowhere
    /// would leave its collector without templates).
    /// </summary>
    IReadOnlyList<LabProcess> Processes(LabAsSite site);

    /// <summary>Whether it stores evidence the lab can wait for (link testing counts in the kernel as packets pass: nothing to wait for).</summary>
    bool StoresEvidence { get; }

    /// <summary>The AS's stored evidence as its BTM reads it, opened afresh; null while nothing is stored yet.</summary>
    StoredEvidence? OpenEvidence(LabAsSite site);
}
