using System.Text.Json;
using InterTrack.Node;
using InterTrack.Node.Daemon;
using InterTrack.Node.Kinds;

namespace InterTrack.Flow;

/// <summary>
/// Flow records (IPFIX, NetFlow v9) as a kind of traceback system: a node runs them from its own
/// collector (<c>collector</c>) or a flow store (<c>flows</c> of its BTM or DTM); in the emulator
/// the routers export IPFIX to the AS's collector (<see cref="EmulatedFlows"/>); in the lab pmacctd does
/// (<see cref="FlowLab"/>).
/// </summary>
public sealed class FlowKind : ITracebackKind, INodeKind, IEmulatedKind
{
    /// <summary>The kind's name, in configurations, scenarios and replies.</summary>
    public const string KindName = "flow";

    /// <summary>The node configuration's section of its collector.</summary>
    public const string CollectorSection = "collector";

    public string Name => KindName;
    public INodeKind Node => this;
    public IEmulatedKind Emulation => this;
    public ILabKind Lab { get; } = new FlowLab();

    public string Section => CollectorSection;
    public bool SectionIsRole => true;

    public object BindSection(JsonElement section, string baseDirectory)
    {
        var collector = JsonFile.Bind<CollectorConfig>(section, Section);
        collector = collector with { Out = NodeConfig.Full(baseDirectory, collector.Out) };
        NodeConfig.Bindable(collector.Listen, "collector.listen");
        if (collector.Tcp is not null) NodeConfig.Bindable(collector.Tcp, "collector.tcp");
        NodeConfig.Require(collector.Out.Length > 0, "collector.out", "is empty");
        return collector;
    }

    public void CheckRole(NodeConfig config, SystemRoleConfig settings, string role)
    {
        bool collects = config.Section<CollectorConfig>(Section) is not null;
        NodeConfig.Require(settings.Flows is not null || collects, $"{role}.flows",
            "a flow BTM or DTM needs a flow directory, a collector in the same node, or \"stub\": true");
        NodeConfig.Require(collects || Directory.Exists(settings.Flows), $"{role}.flows", $"no such directory {settings.Flows}");
    }

    public ITracebackSystem CreateSystem() => new FlowSystem();

    /// <summary>Reads <c>deployment.flowSampling</c>: the routers export 1 in this many packets.</summary>
    public IEmulationModel Model(ScenarioSettings settings)
    {
        int sampling = settings.Get("flowSampling", 1);
        return sampling >= 1 ? new EmulatedFlows.Model(sampling)
            : throw new FormatException("deployment.flowSampling: must be 1 (every packet) or more (1 in N)");
    }
}
