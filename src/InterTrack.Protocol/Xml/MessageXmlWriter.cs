using System.Xml.Linq;
using InterTrack.Protocol.Model;

namespace InterTrack.Protocol.Xml;

/// <summary>
/// Model → XML, element by element in schema order. Absent optional parts (null, empty lists,
/// false flags) produce no element: XElement drops null content.
/// </summary>
internal static class MessageXmlWriter
{
    public static XElement Envelope(InterTrackMessage message)
    {
        string name = MessageTypes.NameOf(message);
        return new XElement("InterTrackMessage", new XAttribute("type", name), Body(message, name));
    }

    private static XElement Body(InterTrackMessage message, string name) => message switch
    {
        ConfigMessage m => m.Options.Count == 0
            ? new XElement(name, MyStatus(m.MyStatus), new XElement("Nodes", m.Nodes.Select(NodeEntry)))
            : throw new ArgumentException("a Config message carries no Options", nameof(message)),
        HeartbeatRequest m => new XElement(name, Neighbor("Master", m.Master), Options(m.Options)),
        HeartbeatReply m => new XElement(name, Neighbor("Master", m.Master), Neighbor("Slave", m.Slave),
            Time("TimeStamp", m.TimeStamp), Options(m.Options)),
        HeartbeatError m => new XElement(name, Neighbor("Master", m.Master), Neighbor("Slave", m.Slave),
            Error(m.Error), Options(m.Options)),
        ItmTraceRequest m => new XElement(name, EvidenceKind(m.Evidence), Neighbor("DestinationNode", m.Destination),
            MessageId(m.MessageId), new XElement("TTL", m.Ttl), PathList(m.PathList), Flag("Translated", m.Translated),
            Evidence(m.Evidence), Options(m.Options)),
        ItmTraceReply m => new XElement(name, Neighbor("SourceNode", m.Source), MessageId(m.MessageId),
            Flag("Translated", m.Translated), InterAsResult(m.Result), Options(m.Options)),
        BtmTraceRequest m => TraceRequest(name, m.Destination, m.MessageId, m.Translated, m.Evidence, m.Options),
        BtmTraceReply m => new XElement(name, Neighbor("SourceNode", m.Source), MessageId(m.MessageId),
            Flag("Translated", m.Translated), BorderResult(m.Result), Options(m.Options)),
        DtmTraceRequest m => TraceRequest(name, m.Destination, m.MessageId, m.Translated, m.Evidence, m.Options),
        DtmTraceReply m => new XElement(name, Neighbor("SourceNode", m.Source), MessageId(m.MessageId),
            Flag("Translated", m.Translated), IntraAsResult(m.Result), Options(m.Options)),
        ClientTraceRequest m => new XElement(name, Neighbor("DestinationNode", m.Destination), Neighbor("SourceNode", m.Source),
            Time("TemporarySequenceNumber", m.TemporarySequenceNumber), new XElement("TTL", m.Ttl),
            m.PayloadHash is null ? m.PacketDumps.Select(PacketDump) : PayloadHash(m.PayloadHash), Options(m.Options)),
        ClientMessageIdReply m => new XElement(name, Neighbor("SourceNode", m.Source), Neighbor("DestinationNode", m.Destination),
            Time("TemporarySequenceNumber", m.TemporarySequenceNumber), MessageId(m.MessageId), Options(m.Options)),
        ClientTraceReply m => new XElement(name, ExportKind(m.Export), Neighbor("SourceNode", m.Source),
            Neighbor("DestinationNode", m.Destination), MessageId(m.MessageId), Export(m.Export), Options(m.Options)),
        DPointTraceRequest m => new XElement(name, EvidenceKind(m.Evidence), Neighbor("SourceNode", m.Source),
            SourceClient(m.Client), new XElement("TTL", m.Ttl), Evidence(m.Evidence), Options(m.Options)),
        DPointMessageIdReply m => new XElement(name, Neighbor("DestinationNode", m.Destination), SourceClient(m.Client),
            MessageId(m.MessageId), Options(m.Options)),
        DPointTraceReply m => new XElement(name, ExportKind(m.Export), Neighbor("DestinationNode", m.Destination),
            SourceClient(m.Client), MessageId(m.MessageId), Export(m.Export), Options(m.Options)),
        ItmTraceResultExport m => new XElement(name, ExportKind(m.Export), Neighbor("DestinationNode", m.Destination),
            MessageId(m.MessageId), Export(m.Export), Options(m.Options)),
        TraceResultExport m => new XElement(name, ExportKind(m.Export), Neighbor("DestinationNode", m.Destination),
            Neighbor("SourceNode", m.Source), Export(m.Export), Options(m.Options)),
        _ => throw new ArgumentException($"unknown message type {message.GetType().Name}", nameof(message)),
    };

    private static XElement TraceRequest(string name, NeighborNode destination, MessageId id, bool translated,
        Evidence evidence, ValueList<MessageOption> options) =>
        new(name, EvidenceKind(evidence), Neighbor("DestinationNode", destination), MessageId(id),
            Flag("Translated", translated), Evidence(evidence), Options(options));

    // ---- exports

    private static XAttribute ExportKind(ResultExport export) => new("Export_type", export switch
    {
        AllResultExport => "AllResultExport",
        InterAsResultExport => "InterASResultExport",
        IntraAsResultExport => "IntraASResultExport",
        _ => throw new ArgumentException("unknown export", nameof(export)),
    });

    private static XElement Export(ResultExport export)
    {
        var btm = new object[] { export.BtmRequests.Select(r => Body(r, "BTMTraceRequest")), export.BtmReplies.Select(r => Body(r, "BTMTraceReply")) };
        return export switch
        {
            AllResultExport e => new XElement("AllResultExport", Body(e.Request, "ITMTraceRequest"), btm,
                Body(e.Reply, "ITMTraceReply"), Dtm(e.DtmRequests, e.DtmReplies), Options(e.Options)),
            InterAsResultExport e => new XElement("InterASResultExport", Body(e.Request, "ITMTraceRequest"),
                Body(e.Reply, "ITMTraceReply"), btm, Options(e.Options)),
            IntraAsResultExport e => new XElement("IntraASResultExport", Body(e.Request, "ITMTraceRequest"), btm,
                Dtm(e.DtmRequests, e.DtmReplies), Options(e.Options)),
            _ => throw new ArgumentException("unknown export", nameof(export)),
        };
    }

    private static object[] Dtm(ValueList<DtmTraceRequest> requests, ValueList<DtmTraceReply> replies) =>
        [requests.Select(r => Body(r, "DTMTraceRequest")), replies.Select(r => Body(r, "DTMTraceReply"))];

    // ---- evidence

    private static XAttribute EvidenceKind(Evidence evidence) => new("Footmark_type", evidence switch
    {
        Footmark => "Footmark",
        BulkFootmark => "BulkFootmark",
        AppFootmark => "AppFootmark",
        _ => throw new ArgumentException("unknown evidence", nameof(evidence)),
    });

    private static XElement Evidence(Evidence evidence) => evidence switch
    {
        Footmark f => FootmarkElement(f),
        BulkFootmark b => new XElement("BulkFootmark", b.Footmarks.Select(FootmarkElement), Time("TimeStamp", b.TimeStamp)),
        AppFootmark a => new XElement("AppFootmark", PayloadHash(a.Hash), Time("TimeStamp", a.TimeStamp),
            a.Translations.Select(TranslateInfo)),
        _ => throw new ArgumentException("unknown evidence", nameof(evidence)),
    };

    private static XElement FootmarkElement(Footmark f) =>
        new("Footmark", PacketDump(f.Dump), Time("TimeStamp", f.TimeStamp), f.Translations.Select(TranslateInfo));

    private static XElement PacketDump(PacketDump d) =>
        new("PacketDump", Enum("encodetype", d.Encoding), Enum("header", d.Header),
            new XAttribute("iftype", d.IfType), new XAttribute("PayloadLength", d.PayloadLength), d.Data);

    private static XElement PayloadHash(PayloadHash h) =>
        new("PayloadHash", Enum("encodetype", h.Encoding), new XAttribute("PayloadLength", h.PayloadLength), h.Data);

    private static XElement TranslateInfo(TranslateInfo t) =>
        new("TranslateInfo", AsNumber(t.AsNumber), t.PacketDump is null ? null : PacketDump(t.PacketDump),
            t.PayloadHash is null ? null : PayloadHash(t.PayloadHash), new XElement("Border", WireEnum<TranslationKind>.Text(t.Border)));

    // ---- results

    private static XElement BorderResult(BorderTraceResult r) =>
        new("BorderTraceResult", new XAttribute("degree", r.Degree), Enum("state", r.State), OptionalAttr("tstype", r.TsType),
            Status(r.Status),
            r.Error is not null
                ? Error(r.Error)
                : new object?[] { Neighbors("Incomings", r.Incomings), Neighbors("Outgoings", r.Outgoings),
                    Flag("AskDTM", r.AskDtm), r.Translations.Select(TranslateInfo) },
            Options(r.Options));

    private static XElement InterAsResult(InterAsTraceResult r) =>
        new("InterASTraceResult", new XAttribute("degree", r.Degree),
            r.Error is not null ? Error(r.Error) : r.Ases.Select(AsEntry), Options(r.Options));

    private static XElement AsEntry(AsEntry a) =>
        new("AS", new XAttribute("depth", a.Depth), new XAttribute("degree", a.Degree), Enum("state", a.State),
            OptionalAttr("tstype", a.TsType), NodeId(a.NodeId), Status(a.Status), Administrator(a.Administrator),
            a.Error is not null
                ? Error(a.Error)
                : new object?[] { Neighbors("Incomings", a.Incomings), Neighbors("Outgoings", a.Outgoings),
                    Flag("AskDTM", a.AskDtm), Flag("Translated", a.Translated), a.Translations.Select(TranslateInfo) },
            Options(a.Options));

    private static XElement Status(AsStatus status) => new("ASStatus", Enum("type", status));

    private static XElement? Neighbors(string name, ValueList<NeighborAs>? list) =>
        list is null ? null : new XElement(name, list.Select(n => new XElement("NeighborAS",
            Enum("ipversion", n.IpVersion), Enum("scope", n.Scope), AsNumber(n.AsNumber), n.Translations.Select(TranslateInfo))));

    private static XElement IntraAsResult(IntraAsTraceResult r) =>
        new("IntraASTraceResult", new XAttribute("degree", r.Degree),
            r.Error is not null ? Error(r.Error) : r.SubDomains.Select(SubDomain), Options(r.Options));

    private static XElement SubDomain(SubDomain s) =>
        new("SubDomain", Network(s.Network), s.Agent is null ? null : AgentReply(s.Agent), Administrator(s.Administrator), Options(s.Options));

    private static XElement Network(NetworkInfo n) =>
        new("Network", n.Ip is null ? null : IpAddress(n.Ip),
            n.Vlan is null ? null : new XElement("VLAN", new XAttribute("number", n.Vlan.Number), new XAttribute("name", n.Vlan.Name)),
            n.LabelType is null ? null : new XElement("LABEL", new XAttribute("type", n.LabelType)));

    private static XElement AgentReply(AgentReply a) =>
        new("AgentReply", Enum("state", a.State), OptionalAttr("tstype", a.TsType), OptionalAttr("layer", a.Layer),
            NodeId(a.NodeId), a.SubAgents.Select(SubAgent), a.Error is null ? null : Error(a.Error), Options(a.Options));

    private static XElement SubAgent(SubAgent s) =>
        new("SubAgent", new XAttribute("depth", s.Depth), Enum("state", s.State), NodeId(s.NodeId),
            s.NeighborAgents.Select(n => new XElement("NeighborAgent", NodeId(n))),
            s.Suspected is null ? null : new XElement("SuspectedNode", NodeId(s.Suspected.NodeId),
                Text("LearnedInterface", s.Suspected.LearnedInterface), Text("Location", s.Suspected.Location)),
            Options(s.Options));

    private static XElement? Administrator(AdministratorInfo? a) =>
        a is null ? null : new XElement("AdministratorInfo", Text("AdministratorName", a.AdministratorName),
            Text("Affiliation", a.Affiliation), Text("AccountName", a.AccountName), Text("Address", a.Address),
            Text("Email", a.Email), Text("PhoneNumber", a.PhoneNumber), Text("FaxNumber", a.FaxNumber));

    // ---- configuration

    private static XElement MyStatus(MyStatus s) =>
        new("MyStatus", Enum("node", s.Node), AsNumber(s.AsNumber),
            new XElement("CoverAreas", s.CoverAreas.Select(CoverArea)), s.ListeningPorts.Select(ListeningPort),
            s.FilterRules is null ? null : FilterRules(s.FilterRules), Text("Signature", s.Signature),
            Text("Description", s.Description),
            s.MyIds.Count == 0 ? null : new XElement("MyIDs", s.MyIds.Select(i =>
                new XElement("MyID", Enum("ipversion", i.IpVersion), Enum("scope", i.Scope), NodeId(i.NodeId)))));

    private static XElement NodeEntry(NodeEntry n) =>
        new("Node", Enum("nodetype", n.NodeType), NodeId(n.NodeId), IpAddress(n.Ip),
            n.ListeningPort is null ? null : ListeningPort(n.ListeningPort), Text("Signature", n.Signature),
            n.ExportLevel is null ? null : ExportLevel(n.ExportLevel), Text("Description", n.Description));

    private static XElement ListeningPort(ListeningPort p) =>
        new("ListeningPort", Enum("type", p.Type), new XAttribute("portnumber", p.Port));

    private static XElement FilterRules(FilterRules f) =>
        new("FilterRules",
            f.PathFilter is null ? null : new XElement("PathFilter",
                f.PathFilter.Deny.Select(r => PathRule("Deny", r)), f.PathFilter.Allow.Select(r => PathRule("Allow", r)),
                f.PathFilter.DenyAll is { } denyAll ? new XElement("DenyAll", Enum("ipversion", denyAll)) : null,
                f.PathFilter.AllowAll is { } allowAll ? new XElement("AllowAll", Enum("ipversion", allowAll)) : null),
            f.RateLimit is { } mps ? new XElement("RateLimit", new XAttribute("mps", mps)) : null,
            f.ExportLevel is null ? null : ExportLevel(f.ExportLevel));

    private static XElement PathRule(string name, PathRule r) => new(name, Enum("ipversion", r.IpVersion), AsNumber(r.AsNumber));

    private static XElement ExportLevel(ExportLevel e) =>
        new("ExportLevel", Enum("level", e.Level), e.DeleteTags.Select(t => new XElement("DeleteTag", t)));

    // ---- identities

    private static XElement Neighbor(string name, NeighborNode n) => new(name, NodeId(n.NodeId), Text("Signature", n.Signature));

    private static XElement MessageId(MessageId id) =>
        new("MessageID", Neighbor("Origin", id.Origin), Time("SequenceNumber", id.SequenceNumber));

    private static XElement SourceClient(SourceClient c) =>
        new("SourceClient", NodeId(c.NodeId), Text("Signature", c.Signature), Time("TemporarySequenceNumber", c.TemporarySequenceNumber));

    private static XElement PathList(ItmPathList p) =>
        new("ITMPathList", p.Origin is null ? null : Neighbor("Origin", p.Origin),
            p.NextHops.Select(h => new XElement("NextHop", new XAttribute("depth", h.Depth), NodeId(h.NodeId), Text("Signature", h.Signature))));

    private static XElement NodeId(NodeId id) => new("NodeID", Enum("idtype", id.IdType), id switch
    {
        ItmNodeId i => new XElement("ITMID", AsNumber(i.Itm.AsNumber), CoverArea(i.Itm.CoverArea), Text("Signature", i.Itm.Signature)),
        IpNodeId i => IpAddress(i.Ip),
        FqdnNodeId f => new XElement("FQDN", f.Fqdn),
        MacNodeId m => MacAddress(m.Mac),
        AddressPairNodeId p => new XElement("AddressPair", IpAddress(p.Pair.Ip), MacAddress(p.Pair.Mac)),
        OtherNodeId o => new XElement("Other", o.Text),
        _ => throw new ArgumentException("unknown node id", nameof(id)),
    });

    private static XElement CoverArea(CoverArea c) => new("CoverArea", Enum("ipversion", c.IpVersion), Enum("scope", c.Scope));

    private static XElement IpAddress(IpAddressInfo ip) =>
        new("IPAddress", Enum("version", ip.Version), Enum("block", ip.Block), new XAttribute("mask", ip.Mask), ip.Address);

    private static XElement MacAddress(MacAddressInfo mac) =>
        new("MACAddress", Enum("length", mac.Length), Enum("delimiter", mac.Delimiter), mac.Address);

    // ---- leaves

    private static XElement Error(ErrorCode e) =>
        new("ErrorCode", Enum("errortype", e.Type),
            e.TimeDiff is null ? null : new XElement("TimeDiff", Time("MasterSideTime", e.TimeDiff.MasterSideTime),
                Time("SlaveSideTime", e.TimeDiff.SlaveSideTime)),
            Text("ErrorMessage", e.Message));

    private static XElement? Options(ValueList<MessageOption> options) =>
        options.Count == 0 ? null : new XElement("Options",
            options.Select(o => new XElement("Option", new XAttribute("type", o.Type), o.Value)));

    private static XElement AsNumber(uint asNumber) => new("ASNumber", asNumber);

    private static XElement Time(string name, TimeVal t) => new(name, new XAttribute("sec", t.Sec), new XAttribute("usec", t.Usec));

    private static XElement? Flag(string name, bool present) => present ? new XElement(name) : null;

    private static XElement? Text(string name, string? value) => value is null ? null : new XElement(name, value);

    private static XAttribute? OptionalAttr(string name, string? value) => value is null ? null : new XAttribute(name, value);

    private static XAttribute Enum<T>(string name, T value) where T : struct, System.Enum => new(name, WireEnum<T>.Text(value));
}
