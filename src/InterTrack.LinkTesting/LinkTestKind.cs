using System.Text.Json;
using InterTrack.Node;
using InterTrack.Node.Daemon;
using InterTrack.Node.Kinds;

namespace InterTrack.LinkTesting;

/// <summary>
/// Link testing (input debugging) as a kind of traceback system: a node counts attack signatures
/// on its routers' interfaces (<c>linktest</c>: the routers) and reads the counters live; in the
/// emulator the routers count as packets pass (<see cref="EmulatedLinkTests"/>), in the lab nftables
/// counters do (<see cref="LinkTestLab"/>). Nothing is kept:
/// it answers only while the attack lasts.
/// </summary>
public sealed class LinkTestKind : ITracebackKind, INodeKind, IEmulatedKind
{
    /// <summary>The kind's name, in configurations, scenarios and replies; also its section of the node configuration.</summary>
    public const string KindName = "linktest";

    public string Name => KindName;
    public INodeKind Node => this;
    public IEmulatedKind Emulation => this;
    public ILabKind Lab { get; } = new LinkTestLab();

    public string Section => KindName;

    /// <summary>The routers to count on: settings of the BTM or DTM, which read them.</summary>
    public bool SectionIsRole => false;

    public object BindSection(JsonElement section, string baseDirectory)
    {
        var settings = JsonFile.Bind<LinkTestConfig>(section, Section);
        NodeConfig.Require(settings.WindowSeconds > 0, "linktest.windowSeconds", "must be positive");
        NodeConfig.Require(settings.Routers.Count > 0, "linktest.routers", "is empty");
        for (int i = 0; i < settings.Routers.Count; i++)
        {
            NodeConfig.Require(settings.Routers[i].Name.Length > 0, $"linktest.routers[{i}].name", "is empty");
            NodeConfig.Require(settings.Routers[i].Nft.Count > 0 && settings.Routers[i].Nft[0].Length > 0, $"linktest.routers[{i}].nft", "is empty");
        }
        return settings;
    }

    public void CheckRole(NodeConfig config, SystemRoleConfig settings, string role) =>
        NodeConfig.Require(config.Section<LinkTestConfig>(Section) is not null, Section,
        $"a linktest {role} needs the linktest section naming the routers, or \"stub\": true");

    public ITracebackSystem CreateSystem() => new LinkTestSystem();

    /// <summary>Reads <c>deployment.linkTestWindowSeconds</c>: how recent matching packets must be for a link to carry the attack.</summary>
    public IEmulationModel Model(ScenarioSettings settings)
    {
        double seconds = settings.Get("linkTestWindowSeconds", 10.0);
        return seconds > 0 ? new EmulatedLinkTests.Model(TimeSpan.FromSeconds(seconds))
            : throw new FormatException("deployment.linkTestWindowSeconds: must be positive");
    }
}
