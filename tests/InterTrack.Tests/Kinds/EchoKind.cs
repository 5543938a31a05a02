using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using InterTrack.Node;
using InterTrack.Node.Daemon;
using InterTrack.Node.Kinds;
using InterTrack.Node.Managers;
using InterTrack.Node.Tracing;
using Microsoft.Extensions.Logging;

namespace InterTrack.Tests.Kinds;

/// <summary>
/// A kind of traceback system that lives only in the test project, to show a kind needs nothing
/// in src/ but its registration: every router remembers the source and destination address of
/// every packet on each link it watches, and a packet was seen on a link when its pair was. In a
/// node, its section <c>echo</c> names the links its system says it saw every packet on.
/// </summary>
internal sealed class EchoKind : ITracebackKind, INodeKind, IEmulatedKind
{
    public const string KindName = "echo";

    public string Name => KindName;
    public INodeKind Node => this;
    public IEmulatedKind Emulation => this;
    public ILabKind Lab { get; } = new EchoLab();

    /// <summary>The systems it made for nodes, to see what a node host did with them.</summary>
    public List<EchoSystem> Systems { get; } = [];

    public string Section => KindName;
    public bool SectionIsRole => false;

    public object BindSection(JsonElement section, string baseDirectory)
    {
        var echo = JsonFile.Bind<EchoConfig>(section, Section);
        NodeConfig.Require(echo.Links.Count > 0, "echo.links", "is empty");
        return echo;
    }

    public void CheckRole(NodeConfig config, SystemRoleConfig settings, string role) =>
        NodeConfig.Require(config.Section<EchoConfig>(Section) is not null, Section, $"an echo {role} needs the echo section");

    public ITracebackSystem CreateSystem()
    {
        var system = new EchoSystem();
        Systems.Add(system);
        return system;
    }

    /// <summary>Reads <c>deployment.echoKeep</c>: at most this many pairs remembered per link.</summary>
    public IEmulationModel Model(ScenarioSettings settings)
    {
        int keep = settings.Get("echoKeep", int.MaxValue);
        return keep > 0 ? new EchoModel(keep) : throw new FormatException("deployment.echoKeep: must be positive");
    }

    /// <summary>In the lab: nothing runs on the routers; the node's section names every link of the AS as seen.</summary>
    private sealed class EchoLab : ILabKind
    {
        public string Description => "every router remembers each packet's addresses";
        public double DefaultShare => 0.5;
        public IReadOnlyList<(string Program, string Package)> Programs => [];
        public bool StoresEvidence => false;

        public string Link(LabRouterSite router, LabInterfaceSite face, string direction) => $"{router.Name}/{face.Name}:{direction}";

        public void Configure(LabAsSite site, JsonObject node, JsonObject btm, JsonObject dtm) =>
            node[KindName] = new JsonObject
            {
                ["links"] = new JsonArray([.. site.Routers.SelectMany(r => r.Interfaces.SelectMany(f =>
                    new[] { Link(r, f, "in"), Link(r, f, "out") })).Select(l => (JsonNode)l)]),
            };

        public IReadOnlyList<LabProcess> Processes(LabAsSite site) => [];

        public StoredEvidence? OpenEvidence(LabAsSite site) => null;
    }

    public sealed record EchoConfig
    {
        public List<string> Links { get; init; } = [];
    }

    /// <summary>The node's echo system: every packet was seen on the section's links.</summary>
    public sealed class EchoSystem : ITracebackSystem
    {
        public EchoConfig? Started { get; private set; }
        public List<SystemRoleConfig> Asked { get; } = [];

        public void Start(NodeConfig config, ILoggerFactory loggers) => Started = config.Section<EchoConfig>(KindName);

        public ILinkEvidence Evidence(SystemRoleConfig role)
        {
            Asked.Add(role);
            return new Answers(link => Started?.Links.Contains(link) == true ? _ => true : null);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class EchoModel(int keep) : IEmulationModel
    {
        public bool Rewrites => false;
        public bool SpoiledByRewriting => false; // addresses only
        public string PacketsNeeded => "1";
        public string AttackMustLast => "no";

        public IEmulatedSystem ForAs(EmulatedDomain domain, bool ts, bool bts) => new EmulatedEcho(domain, keep, ts, bts);

        public void Dispose()
        {
            // nothing outside the ASes
        }
    }

    private sealed class EmulatedEcho(EmulatedDomain domain, int keep, bool ts, bool bts) : IEmulatedSystem
    {
        private readonly Dictionary<string, HashSet<ulong>> _pairs = [];

        public long StorageBytes => _pairs.Values.Sum(p => p.Count * 8L);

        public void Record(IReadOnlyList<EmulatedHop> hops, byte[] packet, long ns)
        {
            foreach (var hop in hops)
            {
                if (ts) Remember(EmulatedDomain.IngressLink(hop.Router, hop.From), packet);
                if (bts && hop.FromOtherAs) Remember(EmulatedDomain.BorderLinkName(hop.Router, hop.From, BorderDirection.In), packet);
                if (bts && hop.ToOtherAs) Remember(EmulatedDomain.BorderLinkName(hop.Router, hop.To, BorderDirection.Out), packet);
            }
        }

        private void Remember(string link, byte[] packet)
        {
            var pairs = _pairs.TryGetValue(link, out var p) ? p : _pairs[link] = [];
            if (pairs.Count < keep) pairs.Add(Pair(packet));
        }

        public IBtmClient Btm(TimeSpan tolerance) => new BorderBtm(domain.AsNumber, domain.BorderLinks(EmulatedDomain.BorderLinkName), Evidence, tolerance);

        public IDtmClient Dtm(TimeSpan tolerance) => new FloodDtm(domain.AsNumber, domain.Routers(EmulatedDomain.IngressLink), Evidence, tolerance,
            domain.StartRouters());

        private Answers Evidence => new(link => _pairs.TryGetValue(link, out var pairs) ? packet => pairs.Contains(Pair(packet)) : null);

        public void Dispose()
        {
            // in memory
        }
    }

    /// <summary>An IPv4 packet's source and destination addresses.</summary>
    private static ulong Pair(byte[] ip) => BinaryPrimitives.ReadUInt64BigEndian(ip.AsSpan(12));

    /// <summary>Echo's evidence: per link, whether it saw a packet (null: the link kept nothing).</summary>
    private sealed class Answers(Func<string, Func<byte[], bool>?> link) : ILinkEvidence
    {
        public string TsType => KindName;

        public LinkAnswer Ask(string name, TracedPacket packet, TimeSpan tolerance) => link(name) is not { } saw ? LinkAnswer.NotSeen
            : saw(packet.Ip!) ? new LinkAnswer(true, false, 1) : LinkAnswer.NotSeen;
    }
}
