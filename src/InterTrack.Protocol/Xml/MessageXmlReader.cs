using System.Xml;
using System.Xml.Linq;
using InterTrack.Protocol.Model;

namespace InterTrack.Protocol.Xml;

/// <summary>
/// XML → model. Runs after schema validation, so order and cardinality hold; the checks here are
/// what a schema cannot say (the type attribute naming the body, caps on counts).
/// </summary>
internal sealed class MessageXmlReader(ProtocolLimits limits)
{
    private int _footmarks;
    private int _ases;

    public InterTrackMessage Envelope(XElement root)
    {
        if (root.Name.LocalName != "InterTrackMessage" || root.Name.NamespaceName.Length != 0)
        {
            throw new ProtocolException($"root element is {root.Name}, not InterTrackMessage");
        }
        string type = Attr(root, "type");
        var body = root.Elements().SingleOrDefault() ?? throw new ProtocolException($"{type} message has no body");
        if (body.Name.LocalName != type)
        {
            throw new ProtocolException($"type attribute {type} does not name the body {body.Name.LocalName}");
        }
        return Body(body);
    }

    private InterTrackMessage Body(XElement e) => e.Name.LocalName switch
    {
        "Config" => new ConfigMessage(MyStatus(Child(e, "MyStatus")),
            List(Child(e, "Nodes"), "Node", NodeEntry)),
        "HeartbeatRequest" => new HeartbeatRequest(Neighbor(Child(e, "Master"))) { Options = Options(e) },
        "HeartbeatReply" => new HeartbeatReply(Neighbor(Child(e, "Master")), Neighbor(Child(e, "Slave")),
            Time(Child(e, "TimeStamp"))) { Options = Options(e) },
        "HeartbeatError" => new HeartbeatError(Neighbor(Child(e, "Master")), Neighbor(Child(e, "Slave")),
            Error(Child(e, "ErrorCode"))) { Options = Options(e) },
        "ITMTraceRequest" => ItmRequest(e),
        "ITMTraceReply" => ItmReply(e),
        "BTMTraceRequest" => BtmRequest(e),
        "BTMTraceReply" => BtmReply(e),
        "DTMTraceRequest" => DtmRequest(e),
        "DTMTraceReply" => DtmReply(e),
        "ClientTraceRequest" => ClientRequest(e),
        "ClientMessageIDReply" => new ClientMessageIdReply(Neighbor(Child(e, "SourceNode")), Neighbor(Child(e, "DestinationNode")),
            Time(Child(e, "TemporarySequenceNumber")), MessageId(Child(e, "MessageID"))) { Options = Options(e) },
        "ClientTraceReply" => new ClientTraceReply(Neighbor(Child(e, "SourceNode")), Neighbor(Child(e, "DestinationNode")),
            MessageId(Child(e, "MessageID")), Export(e)) { Options = Options(e) },
        "DPointTraceRequest" => new DPointTraceRequest(Neighbor(Child(e, "SourceNode")), SourceClient(Child(e, "SourceClient")),
            Uint(Child(e, "TTL").Value), Evidence(e)) { Options = Options(e) },
        "DPointMessageIDReply" => new DPointMessageIdReply(Neighbor(Child(e, "DestinationNode")), SourceClient(Child(e, "SourceClient")),
            MessageId(Child(e, "MessageID"))) { Options = Options(e) },
        "DPointTraceReply" => new DPointTraceReply(Neighbor(Child(e, "DestinationNode")), SourceClient(Child(e, "SourceClient")),
            MessageId(Child(e, "MessageID")), Export(e)) { Options = Options(e) },
        "ITMTraceResultExport" => new ItmTraceResultExport(Neighbor(Child(e, "DestinationNode")), MessageId(Child(e, "MessageID")),
            Export(e)) { Options = Options(e) },
        "TraceResultExport" => new TraceResultExport(Neighbor(Child(e, "DestinationNode")), Neighbor(Child(e, "SourceNode")),
            Export(e)) { Options = Options(e) },
        _ => throw new ProtocolException($"unknown message type {e.Name.LocalName}"),
    };

    private ItmTraceRequest ItmRequest(XElement e) =>
        new(Neighbor(Child(e, "DestinationNode")), MessageId(Child(e, "MessageID")), Uint(Child(e, "TTL").Value),
            PathList(Child(e, "ITMPathList")), Evidence(e))
        { Translated = Has(e, "Translated"), Options = Options(e) };

    private ItmTraceReply ItmReply(XElement e) =>
        new(Neighbor(Child(e, "SourceNode")), MessageId(Child(e, "MessageID")), InterAsResult(Child(e, "InterASTraceResult")))
        { Translated = Has(e, "Translated"), Options = Options(e) };

    private BtmTraceRequest BtmRequest(XElement e) =>
        new(Neighbor(Child(e, "DestinationNode")), MessageId(Child(e, "MessageID")), Evidence(e))
        { Translated = Has(e, "Translated"), Options = Options(e) };

    private BtmTraceReply BtmReply(XElement e) =>
        new(Neighbor(Child(e, "SourceNode")), MessageId(Child(e, "MessageID")), BorderResult(Child(e, "BorderTraceResult")))
        { Translated = Has(e, "Translated"), Options = Options(e) };

    private DtmTraceRequest DtmRequest(XElement e) =>
        new(Neighbor(Child(e, "DestinationNode")), MessageId(Child(e, "MessageID")), Evidence(e))
        { Translated = Has(e, "Translated"), Options = Options(e) };

    private DtmTraceReply DtmReply(XElement e) =>
        new(Neighbor(Child(e, "SourceNode")), MessageId(Child(e, "MessageID")), IntraAsResult(Child(e, "IntraASTraceResult")))
        { Translated = Has(e, "Translated"), Options = Options(e) };

    private ClientTraceRequest ClientRequest(XElement e)
    {
        var dumps = List(e, "PacketDump", PacketDump);
        Count(ref _footmarks, dumps.Count, limits.MaxFootmarks, "footmarks");
        var hash = Optional(e, "PayloadHash", PayloadHash);
        return new ClientTraceRequest(Neighbor(Child(e, "DestinationNode")), Neighbor(Child(e, "SourceNode")),
            Time(Child(e, "TemporarySequenceNumber")), Uint(Child(e, "TTL").Value))
        { PacketDumps = dumps, PayloadHash = hash, Options = Options(e) };
    }

    // ---- exports

    private ResultExport Export(XElement message)
    {
        string kind = Attr(message, "Export_type");
        var e = Child(message, kind);
        var request = ItmRequest(Child(e, "ITMTraceRequest"));
        var btmRequests = List(e, "BTMTraceRequest", BtmRequest);
        var btmReplies = List(e, "BTMTraceReply", BtmReply);
        return kind switch
        {
            "AllResultExport" => new AllResultExport(request, ItmReply(Child(e, "ITMTraceReply")))
            {
                BtmRequests = btmRequests, BtmReplies = btmReplies, Options = Options(e),
                DtmRequests = List(e, "DTMTraceRequest", DtmRequest), DtmReplies = List(e, "DTMTraceReply", DtmReply),
            },
            "InterASResultExport" => new InterAsResultExport(request, ItmReply(Child(e, "ITMTraceReply")))
            {
                BtmRequests = btmRequests, BtmReplies = btmReplies, Options = Options(e),
            },
            "IntraASResultExport" => new IntraAsResultExport(request)
            {
                BtmRequests = btmRequests, BtmReplies = btmReplies, Options = Options(e),
                DtmRequests = List(e, "DTMTraceRequest", DtmRequest), DtmReplies = List(e, "DTMTraceReply", DtmReply),
            },
            _ => throw new ProtocolException($"unknown Export_type {kind}"),
        };
    }

    // ---- evidence

    private Evidence Evidence(XElement message)
    {
        string kind = Attr(message, "Footmark_type");
        var e = Child(message, kind);
        Evidence evidence = kind switch
        {
            "Footmark" => Footmark(e),
            "BulkFootmark" => new BulkFootmark(List(e, "Footmark", Footmark), Time(Child(e, "TimeStamp"))),
            "AppFootmark" => new AppFootmark(PayloadHash(Child(e, "PayloadHash")), Time(Child(e, "TimeStamp")))
            {
                Translations = List(e, "TranslateInfo", TranslateInfo),
            },
            _ => throw new ProtocolException($"unknown Footmark_type {kind}"),
        };
        Count(ref _footmarks, evidence.FootmarkCount, limits.MaxFootmarks, "footmarks");
        return evidence;
    }

    private Footmark Footmark(XElement e) =>
        new(PacketDump(Child(e, "PacketDump")), Time(Child(e, "TimeStamp"))) { Translations = List(e, "TranslateInfo", TranslateInfo) };

    private static PacketDump PacketDump(XElement e) =>
        new(e.Value, Enum<DumpEncoding>(e, "encodetype"), Enum<DumpHeader>(e, "header"),
            XmlConvert.ToUInt16(Attr(e, "iftype")), Uint(Attr(e, "PayloadLength")));

    private static PayloadHash PayloadHash(XElement e) =>
        new(e.Value, Enum<DumpEncoding>(e, "encodetype"), Uint(Attr(e, "PayloadLength")));

    private static TranslateInfo TranslateInfo(XElement e) =>
        new(AsNumber(e), WireEnum<TranslationKind>.Parse(Child(e, "Border").Value))
        {
            PacketDump = Optional(e, "PacketDump", PacketDump),
            PayloadHash = Optional(e, "PayloadHash", PayloadHash),
        };

    // ---- results

    private static BorderTraceResult BorderResult(XElement e) =>
        new(Status(e), Uint(Attr(e, "degree")), Enum<TraceState>(e, "state"))
        {
            TsType = (string?)e.Attribute("tstype"),
            Incomings = Optional(e, "Incomings", Neighbors),
            Outgoings = Optional(e, "Outgoings", Neighbors),
            AskDtm = Has(e, "AskDTM"),
            Translations = List(e, "TranslateInfo", TranslateInfo),
            Error = Optional(e, "ErrorCode", Error),
            Options = Options(e),
        };

    private InterAsTraceResult InterAsResult(XElement e)
    {
        var ases = List(e, "AS", AsEntry);
        Count(ref _ases, ases.Count, limits.MaxAses, "AS entries");
        return new(Uint(Attr(e, "degree"))) { Ases = ases, Error = Optional(e, "ErrorCode", Error), Options = Options(e) };
    }

    private static AsEntry AsEntry(XElement e) =>
        new(NodeId(Child(e, "NodeID")), Status(e), Uint(Attr(e, "depth")), Uint(Attr(e, "degree")), Enum<TraceState>(e, "state"))
        {
            TsType = (string?)e.Attribute("tstype"),
            Administrator = Optional(e, "AdministratorInfo", Administrator),
            Incomings = Optional(e, "Incomings", Neighbors),
            Outgoings = Optional(e, "Outgoings", Neighbors),
            AskDtm = Has(e, "AskDTM"),
            Translated = Has(e, "Translated"),
            Translations = List(e, "TranslateInfo", TranslateInfo),
            Error = Optional(e, "ErrorCode", Error),
            Options = Options(e),
        };

    private static AsStatus Status(XElement parent) => Enum<AsStatus>(Child(parent, "ASStatus"), "type");

    private static ValueList<NeighborAs> Neighbors(XElement e) =>
        List(e, "NeighborAS", n => new NeighborAs(AsNumber(n), Enum<IpVersion>(n, "ipversion"), Enum<AddressScope>(n, "scope"))
        {
            Translations = List(n, "TranslateInfo", TranslateInfo),
        });

    private static IntraAsTraceResult IntraAsResult(XElement e) =>
        new(Uint(Attr(e, "degree")))
        {
            SubDomains = List(e, "SubDomain", SubDomain), Error = Optional(e, "ErrorCode", Error), Options = Options(e),
        };

    private static SubDomain SubDomain(XElement e) =>
        new(Network(Child(e, "Network")))
        {
            Agent = Optional(e, "AgentReply", AgentReply),
            Administrator = Optional(e, "AdministratorInfo", Administrator),
            Options = Options(e),
        };

    private static NetworkInfo Network(XElement e) => new()
    {
        Ip = Optional(e, "IPAddress", IpAddress),
        Vlan = Optional(e, "VLAN", v => new Vlan(Uint(Attr(v, "number")), Attr(v, "name"))),
        LabelType = Optional(e, "LABEL", l => Attr(l, "type")),
    };

    private static AgentReply AgentReply(XElement e) =>
        new(NodeId(Child(e, "NodeID")), Enum<TraceState>(e, "state"))
        {
            TsType = (string?)e.Attribute("tstype"),
            Layer = (string?)e.Attribute("layer"),
            SubAgents = List(e, "SubAgent", SubAgent),
            Error = Optional(e, "ErrorCode", Error),
            Options = Options(e),
        };

    private static SubAgent SubAgent(XElement e) =>
        new(NodeId(Child(e, "NodeID")), Uint(Attr(e, "depth")), Enum<TraceState>(e, "state"))
        {
            NeighborAgents = List(e, "NeighborAgent", n => NodeId(Child(n, "NodeID"))),
            Suspected = Optional(e, "SuspectedNode", s => new SuspectedNode(NodeId(Child(s, "NodeID")))
            {
                LearnedInterface = Text(s, "LearnedInterface"),
                Location = Text(s, "Location"),
            }),
            Options = Options(e),
        };

    private static AdministratorInfo Administrator(XElement e) => new()
    {
        AdministratorName = Text(e, "AdministratorName"),
        Affiliation = Text(e, "Affiliation"),
        AccountName = Text(e, "AccountName"),
        Address = Text(e, "Address"),
        Email = Text(e, "Email"),
        PhoneNumber = Text(e, "PhoneNumber"),
        FaxNumber = Text(e, "FaxNumber"),
    };

    // ---- configuration

    private static MyStatus MyStatus(XElement e) =>
        new(Enum<NodeRole>(e, "node"), AsNumber(e), List(Child(e, "CoverAreas"), "CoverArea", CoverArea))
        {
            ListeningPorts = List(e, "ListeningPort", ListeningPort),
            FilterRules = Optional(e, "FilterRules", FilterRules),
            Signature = Text(e, "Signature"),
            Description = Text(e, "Description"),
            MyIds = Optional(e, "MyIDs", ids => List(ids, "MyID",
                i => new MyId(NodeId(Child(i, "NodeID")), Enum<IpVersion>(i, "ipversion"), Enum<AddressScope>(i, "scope"))))
                ?? [],
        };

    private static NodeEntry NodeEntry(XElement e) =>
        new(Enum<NodeRole>(e, "nodetype"), NodeId(Child(e, "NodeID")), IpAddress(Child(e, "IPAddress")))
        {
            ListeningPort = Optional(e, "ListeningPort", ListeningPort),
            Signature = Text(e, "Signature"),
            ExportLevel = Optional(e, "ExportLevel", ExportLevel),
            Description = Text(e, "Description"),
        };

    private static ListeningPort ListeningPort(XElement e) =>
        new(Enum<NodeRole>(e, "type"), XmlConvert.ToUInt16(Attr(e, "portnumber")));

    private static FilterRules FilterRules(XElement e) => new()
    {
        PathFilter = Optional(e, "PathFilter", p => new PathFilter
        {
            Deny = List(p, "Deny", PathRule),
            Allow = List(p, "Allow", PathRule),
            DenyAll = Optional(p, "DenyAll", a => (IpVersion?)Enum<IpVersion>(a, "ipversion")),
            AllowAll = Optional(p, "AllowAll", a => (IpVersion?)Enum<IpVersion>(a, "ipversion")),
        }),
        RateLimit = Optional(e, "RateLimit", r => (uint?)Uint(Attr(r, "mps"))),
        ExportLevel = Optional(e, "ExportLevel", ExportLevel),
    };

    private static PathRule PathRule(XElement e) => new(AsNumber(e), Enum<IpVersion>(e, "ipversion"));

    private static ExportLevel ExportLevel(XElement e) =>
        new(Enum<ExportLevelKind>(e, "level")) { DeleteTags = List(e, "DeleteTag", t => t.Value) };

    // ---- identities

    private static NeighborNode Neighbor(XElement e) => new(NodeId(Child(e, "NodeID"))) { Signature = Text(e, "Signature") };

    private static MessageId MessageId(XElement e) => new(Neighbor(Child(e, "Origin")), Time(Child(e, "SequenceNumber")));

    private static SourceClient SourceClient(XElement e) =>
        new(NodeId(Child(e, "NodeID")), Time(Child(e, "TemporarySequenceNumber"))) { Signature = Text(e, "Signature") };

    private static ItmPathList PathList(XElement e) =>
        new(Optional(e, "Origin", Neighbor),
            List(e, "NextHop", h => new NextHop(NodeId(Child(h, "NodeID")), Uint(Attr(h, "depth"))) { Signature = Text(h, "Signature") }));

    private static NodeId NodeId(XElement e)
    {
        var type = Enum<NodeIdType>(e, "idtype");
        var value = e.Elements().FirstOrDefault() ?? throw new ProtocolException("NodeID without identifier");
        NodeId id = value.Name.LocalName switch
        {
            "ITMID" => new ItmNodeId(new ItmId(AsNumber(value), CoverArea(Child(value, "CoverArea"))) { Signature = Text(value, "Signature") }),
            "IPAddress" => new IpNodeId(IpAddress(value)),
            "FQDN" => new FqdnNodeId(value.Value),
            "MACAddress" => new MacNodeId(MacAddress(value)),
            "AddressPair" => new AddressPairNodeId(new AddressPair(IpAddress(Child(value, "IPAddress")), MacAddress(Child(value, "MACAddress")))),
            "Other" => new OtherNodeId(value.Value),
            _ => throw new ProtocolException($"unknown NodeID choice {value.Name.LocalName}"),
        };
        return id with { IdType = type };
    }

    private static CoverArea CoverArea(XElement e) => new(Enum<IpVersion>(e, "ipversion"), Enum<AddressScope>(e, "scope"));

    private static IpAddressInfo IpAddress(XElement e) =>
        new(e.Value, Enum<IpAddressVersion>(e, "version"), Enum<AddressBlock>(e, "block"), Uint(Attr(e, "mask")));

    private static MacAddressInfo MacAddress(XElement e) =>
        new(e.Value, Enum<MacLength>(e, "length"), Enum<MacDelimiter>(e, "delimiter"));

    // ---- leaves

    private static ErrorCode Error(XElement e) => new(Enum<ErrorType>(e, "errortype"))
    {
        TimeDiff = Optional(e, "TimeDiff", d => new TimeDiff(Time(Child(d, "MasterSideTime")), Time(Child(d, "SlaveSideTime")))),
        Message = Text(e, "ErrorMessage"),
    };

    private static ValueList<MessageOption> Options(XElement parent) =>
        Optional(parent, "Options", o => List(o, "Option", x => new MessageOption(Attr(x, "type"), x.Value)))
        ?? [];

    private static uint AsNumber(XElement parent) => Uint(Child(parent, "ASNumber").Value);

    private static TimeVal Time(XElement e) => new(Uint(Attr(e, "sec")), Uint(Attr(e, "usec")));

    private static void Count(ref int total, int add, int cap, string what)
    {
        total += add;
        if (total > cap)
        {
            throw new ProtocolException($"more than {cap} {what} in one message")
            {
                Reply = ErrorType.RefusedLimit, PublicText = $"too many {what}",
            };
        }
    }

    private static XElement Child(XElement parent, string name) =>
        parent.Element(name) ?? throw new ProtocolException($"{parent.Name.LocalName} lacks {name}");

    private static T? Optional<T>(XElement parent, string name, Func<XElement, T> read) =>
        parent.Element(name) is { } e ? read(e) : default;

    private static ValueList<T> List<T>(XElement parent, string name, Func<XElement, T> read) =>
        ValueList<T>.Wrap([.. parent.Elements(name).Select(read)]);

    private static bool Has(XElement parent, string name) => parent.Element(name) is not null;

    private static string? Text(XElement parent, string name) => parent.Element(name)?.Value;

    private static string Attr(XElement e, string name) =>
        (string?)e.Attribute(name) ?? throw new ProtocolException($"{e.Name.LocalName} lacks attribute {name}");

    private static T Enum<T>(XElement e, string attribute) where T : struct, System.Enum => WireEnum<T>.Parse(Attr(e, attribute));

    private static uint Uint(string text) => XmlConvert.ToUInt32(text);
}
