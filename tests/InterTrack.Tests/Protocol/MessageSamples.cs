using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Protocol;

/// <summary>One richly filled instance of every message type: every optional part is used somewhere.</summary>
internal static class MessageSamples
{
    private static readonly TimeVal T0 = new(1_700_000_000, 123_456);

    private static readonly IpAddressInfo Ip = new("192.0.2.1", IpAddressVersion.V4, AddressBlock.TestNet, 32);
    private static readonly MacAddressInfo Mac = new("00:11:22:33:44:55", MacLength.Eui48, MacDelimiter.Colon);

    private static NeighborNode Itm(uint asNumber) => NeighborNode.ForItm(asNumber);

    private static readonly MessageId Id = new(Itm(65001) with { Signature = "sig" }, T0);

    private static readonly ValueList<MessageOption> Opts = [new("note", "hello <&> world"), new("x", "")];

    private static readonly TranslateInfo Nat = new(65002, TranslationKind.V4PrivateToV4Global)
    {
        PacketDump = new PacketDump("RQAAFA==", DumpEncoding.Base64, DumpHeader.Ip, 1, 0),
        PayloadHash = new PayloadHash("d41d8cd98f00b204e9800998ecf8427e", DumpEncoding.Md5, 0),
    };

    private static Footmark Mark(int i) =>
        new(new PacketDump($"4500001c000{i}0000401100000a0000010a000002", DumpEncoding.Hex, DumpHeader.Ip, 1, 28), T0 with { Usec = (uint)i })
        {
            Translations = i == 0 ? [Nat] : [],
        };

    public static BulkFootmark Bulk(int count) => new([.. Enumerable.Range(0, count).Select(Mark)], T0);

    private static readonly ItmPathList Path = new(Itm(65001), [new NextHop(NodeId.ForItm(65002), 1),
        new NextHop(NodeId.ForItm(65003), 2) { Signature = "s" }]);

    public static ItmTraceRequest ItmRequest(int footmarks = 3) =>
        new(Itm(65004), Id, 16, Path, Bulk(footmarks)) { Translated = true, Options = Opts };

    private static readonly ItmTraceReply ItmReply = new(Itm(65002), Id, new InterAsTraceResult(90)
    {
        Ases =
        [
            new AsEntry(NodeId.ForItm(65001), AsStatus.Destination, 0, 100, TraceState.Found)
            {
                TsType = "digest",
                Administrator = new AdministratorInfo { AdministratorName = "NOC", Email = "noc@example.net", FaxNumber = "1" },
                Incomings = [NeighborAs.Global(65002) with { Translations = [Nat] }],
                Outgoings = [],
                AskDtm = true,
                Translated = true,
                Translations = [Nat],
                Options = Opts,
            },
            new AsEntry(NodeId.ForItm(65002), AsStatus.Busy, 1, 0, TraceState.Error) { Error = new ErrorCode(ErrorType.WaitItmReply) { Message = "timeout" } },
        ],
        Options = Opts,
    });

    private static readonly BtmTraceRequest BtmRequest = new(Itm(65001), Id, Mark(1)) { Translated = true };

    private static readonly BtmTraceReply BtmReply = new(Itm(65001), Id, new BorderTraceResult(AsStatus.Transit, 95, TraceState.Found)
    {
        TsType = "digest",
        Incomings = [NeighborAs.Global(65002), new NeighborAs(65003, IpVersion.V6, AddressScope.Global)],
        Outgoings = [NeighborAs.Global(65004)],
        AskDtm = true,
        Translations = [Nat],
        Options = Opts,
    });

    private static readonly DtmTraceRequest DtmRequest =
        new(Itm(65001), Id, new AppFootmark(new PayloadHash(new string('a', 64), DumpEncoding.Sha256, 1200), T0) { Translations = [Nat] });

    private static readonly DtmTraceReply DtmReply = new(Itm(65001), Id, new IntraAsTraceResult(80)
    {
        SubDomains =
        [
            new SubDomain(new NetworkInfo { Ip = Ip with { Address = "192.0.2.0", Mask = 24 }, Vlan = new Vlan(10, "core"), LabelType = "mpls" })
            {
                Agent = new AgentReply(new FqdnNodeId("spie.example.net"), TraceState.Found)
                {
                    TsType = "digest",
                    Layer = "ip",
                    SubAgents =
                    [
                        new SubAgent(new IpNodeId(Ip), 0, TraceState.Found)
                        {
                            NeighborAgents = [new MacNodeId(Mac), new AddressPairNodeId(new AddressPair(Ip, Mac))],
                            Suspected = new SuspectedNode(new OtherNodeId("r7")) { LearnedInterface = "eth1", Location = "rack 4" },
                            Options = Opts,
                        },
                        new SubAgent(new IpNodeId(Ip), 1, TraceState.Reached),
                    ],
                    Options = Opts,
                },
                Administrator = new AdministratorInfo { Affiliation = "Example", PhoneNumber = "+1" },
                Options = Opts,
            },
        ],
    });

    private static readonly DtmTraceReply DtmError =
        new(Itm(65001), Id, new IntraAsTraceResult(0) { Error = new ErrorCode(ErrorType.BusyTs) });

    private static readonly SourceClient Client = new(new IpNodeId(Ip), T0) { Signature = "c" };

    public static IEnumerable<InterTrackMessage> All()
    {
        yield return new ConfigMessage(
            new MyStatus(NodeRole.Itm, 65001, [CoverArea.GlobalAny, new CoverArea(IpVersion.V6, AddressScope.Private)])
            {
                ListeningPorts = [new ListeningPort(NodeRole.Itm, 9001), new ListeningPort(NodeRole.DPoint, 9004)],
                FilterRules = new FilterRules
                {
                    PathFilter = new PathFilter { Deny = [new PathRule(64512, IpVersion.Any)], Allow = [new PathRule(65002, IpVersion.V4)],
                        DenyAll = IpVersion.V6, AllowAll = IpVersion.V4 },
                    RateLimit = 100,
                    ExportLevel = new ExportLevel(ExportLevelKind.InterAs) { DeleteTags = ["SubDomain"] },
                },
                Signature = "s",
                Description = "ITM of AS65001",
                MyIds = [new MyId(new FqdnNodeId("itm.example.net"), IpVersion.Any, AddressScope.Global)],
            },
            [
                new NodeEntry(NodeRole.Btm, new IpNodeId(Ip), Ip)
                {
                    ListeningPort = new ListeningPort(NodeRole.Btm, 9002),
                    Signature = "b",
                    ExportLevel = new ExportLevel(ExportLevelKind.All),
                    Description = "border",
                },
                new NodeEntry(NodeRole.Dtm, new ItmNodeId(new ItmId(65001, CoverArea.GlobalAny) { Signature = "i" }), Ip),
            ]);
        yield return new HeartbeatRequest(Itm(65001)) { Options = Opts };
        yield return new HeartbeatReply(Itm(65001), Itm(65002), T0);
        yield return new HeartbeatError(Itm(65001), Itm(65002), new ErrorCode(ErrorType.HeartbeatTimeout)
        {
            TimeDiff = new TimeDiff(T0, T0 with { Sec = T0.Sec + 2 }),
            Message = "late",
        });
        yield return ItmRequest();
        yield return ItmReply;
        yield return new ItmTraceReply(Itm(65002), Id, new InterAsTraceResult(0) { Error = new ErrorCode(ErrorType.RefusedPath) });
        yield return BtmRequest;
        yield return BtmReply;
        yield return new BtmTraceReply(Itm(65001), Id, new BorderTraceResult(AsStatus.Unknown, 0,
            TraceState.Error) { Error = new ErrorCode(ErrorType.BusyBtm) });
        yield return DtmRequest;
        yield return DtmReply;
        yield return DtmError;
        yield return new ClientTraceRequest(Itm(65001), new NeighborNode(new IpNodeId(Ip)), T0, 16)
        {
            PacketDumps = [Mark(1).Dump, Mark(2).Dump],
            Options = Opts,
        };
        yield return new ClientTraceRequest(Itm(65001), new NeighborNode(new IpNodeId(Ip)), T0, 16)
        {
            PayloadHash = new PayloadHash("0123", DumpEncoding.Sha1, 20),
        };
        yield return new ClientMessageIdReply(Itm(65001), new NeighborNode(new IpNodeId(Ip)), T0, Id);
        yield return new ClientTraceReply(Itm(65001), new NeighborNode(new IpNodeId(Ip)), Id,
            new AllResultExport(ItmRequest(), ItmReply)
            {
                BtmRequests = [BtmRequest], BtmReplies = [BtmReply], DtmRequests = [DtmRequest], DtmReplies = [DtmReply, DtmError], Options = Opts,
            });
        yield return new DPointTraceRequest(Itm(65001), Client, 16, Mark(3)) { Options = Opts };
        yield return new DPointMessageIdReply(Itm(65001), Client, Id);
        yield return new DPointTraceReply(Itm(65001), Client, Id, new InterAsResultExport(ItmRequest(), ItmReply) { BtmReplies = [BtmReply] });
        yield return new ItmTraceResultExport(Itm(65009), Id, new IntraAsResultExport(ItmRequest()) { DtmReplies = [DtmReply] });
        yield return new TraceResultExport(Itm(65009), Itm(65001), new InterAsResultExport(ItmRequest(1), ItmReply)) { Options = Opts };
    }
}
