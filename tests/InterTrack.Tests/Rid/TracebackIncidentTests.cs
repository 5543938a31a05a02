using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using InterTrack.Node.Client;
using InterTrack.Protocol.Model;
using InterTrack.Rid;

namespace InterTrack.Tests.Rid;

public sealed class TracebackIncidentTests
{
    internal static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    /// <summary>65001 (victim) ← 65002 ← 65004 (origin); 65001 ← 65003 (flow) ← 65005 (runs nothing).</summary>
    internal static TraceResultView View()
    {
        AsView[] ases =
        [
            new(65001, 0, AsStatus.Destination, TraceState.Found, 100, [65002, 65003], null, "digest"),
            new(65002, 1, AsStatus.Transit, TraceState.Found, 100, [65004], null, "digest"),
            new(65003, 1, AsStatus.Transit, TraceState.Found, 95, [65005], null, "flow"),
            new(65004, 2, AsStatus.Source, TraceState.Found, 100, [], null, "digest"),
            new(65005, 2, AsStatus.Unknown, TraceState.Reached, 0, [], "no border traceback system", "stub"),
        ];
        return new TraceResultView(new MessageId(NeighborNode.ForItm(65001), new TimeVal(1_795_000_000, 5)), ases, [65004], [[65001, 65002, 65004]],
            new Dictionary<uint, IReadOnlyList<SubAgent>>());
    }

    internal static readonly (byte[], long)[] Packets =
    [
        (TestPackets.Udp4(1), Now.AddSeconds(-30).ToUnixTimeMilliseconds() * 1_000_000),
        (TestPackets.Tcp6(2), 0), // no capture time
    ];

    [Fact]
    public void The_incident_follows_the_iodef_2_rules_and_names_the_path_in_order()
    {
        var document = TracebackIncident.Build(View(), Packets, 65001, "192.0.2.1:9005", Now);

        var schemas = new XmlSchemaSet();
        schemas.Add(null, Path.Combine(RepositoryPaths.Root, "tests", "InterTrack.Tests", "Rid", "iodef-2.0-rules.xsd"));
        var errors = new List<string>();
        document.Validate(schemas, (_, e) => errors.Add(e.Message));
        Assert.Empty(errors);

        XNamespace n = Iodef.Ns;
        var incident = document.Root!.Element(n + "Incident")!;
        Assert.Equal("traceback", (string?)incident.Attribute("purpose"));
        Assert.Equal("AS65001/1795000000.000005", incident.Element(n + "IncidentID")!.Value);
        var flows = incident.Descendants(n + "Flow").Select(f => f.Elements(n + "System")
            .Select(s => ((string?)s.Attribute("category"), s.Descendants(n + "Address").Single().Value)).ToList()).ToList();
        Assert.Equal([("target", "65001"), ("intermediate", "65002"), ("source", "65004")], flows[0]);
        Assert.Equal([("intermediate", "65003"), ("intermediate", "65005")], flows[1]); // reached, off the path to the origin
        Assert.Equal("no", (string?)incident.Descendants(n + "System").Single(s => (string?)s.Attribute("category") == "source").Attribute("spoofed"));
        Assert.Contains("no border traceback system", incident.Descendants(n + "System").Last().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void The_packets_it_carries_are_read_back_as_they_were_with_their_times()
    {
        var document = TracebackIncident.Build(View(), Packets, 65001, "192.0.2.1:9005", Now);
        var read = IodefPackets.Read(document);
        Assert.Equal(Packets.Length, read.Count);
        for (int i = 0; i < Packets.Length; i++)
        {
            Assert.Equal(Packets[i].Item1, read[i].IpPacket);
            Assert.Equal(Packets[i].Item2, read[i].TimestampNs);
        }
    }

    [Fact]
    public void A_document_without_packets_or_with_a_broken_one_is_refused_with_the_reason()
    {
        XNamespace n = Iodef.Ns;
        var empty = new XDocument(new XElement(n + "IODEF-Document"));
        Assert.Contains("carries no packet", Assert.Throws<FormatException>(() => IodefPackets.Read(empty)).Message, StringComparison.Ordinal);
        var broken = new XDocument(new XElement(n + "IODEF-Document", new XElement(n + "RecordItem", new XAttribute("dtype", "ipv4-packet"), "0102")));
        Assert.Contains("not an IPv4 or IPv6 packet", Assert.Throws<FormatException>(() => IodefPackets.Read(broken)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dtd_is_refused_before_anything_is_expanded()
    {
        const string Laughs = """<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>""";
        using var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Laughs));
        Assert.Throws<XmlException>(() => SafeXml.Parse(body, 1 << 20));
    }
}
