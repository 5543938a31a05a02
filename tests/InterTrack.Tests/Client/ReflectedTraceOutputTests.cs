using System.Text.Json;
using System.Xml.Linq;
using System.Xml.Schema;
using InterTrack.Cli;
using InterTrack.Node.Client;
using InterTrack.OperatorView.Web;
using InterTrack.Protocol.Model;
using InterTrack.Rid;
using InterTrack.Tests.Rid;

namespace InterTrack.Tests.Client;

/// <summary>
/// Every output of a trace — the text tree, --json, the SVG picture, the operator page and IODEF — shows a reflector's AS as an
/// amplifier between the victim and the AS that forged the requests, never as a source, and says why when its requests were not found.
/// </summary>
public sealed class ReflectedTraceOutputTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static string Text(TraceResultView view)
    {
        var text = new StringWriter();
        TraceCommand.Print(text, view, json: false);
        return text.ToString();
    }

    private static JsonElement Json(TraceResultView view)
    {
        var text = new StringWriter();
        TraceCommand.Print(text, view, json: true);
        return JsonDocument.Parse(text.ToString()).RootElement;
    }

    private static List<uint> Numbers(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetUInt32())];

    [Fact]
    public void The_text_tree_marks_the_amplifier_with_its_reflector_and_names_the_forging_as_as_the_source()
    {
        var view = ReflectedTraces.Crossed();
        Assert.Equal([65005u], view.OriginAses);
        Assert.Equal([65003u], view.ReflectorAses);
        Assert.Equal([[65001u, 65002u, 65003u, 65004u, 65005u]], view.AsPaths);
        Assert.Equal(
            $"""
            AS65001  Destination  depth 0  degree 100  digest
            └─ AS65002  Transit  depth 1  degree 100  digest
               └─ AS65003  Amplifier  depth 2  degree 100  digest  reflector {ReflectedTraces.Reflector} dns
                  └─ AS65004  Transit  depth 3  degree 100  digest
                     └─ AS65005  Source  depth 4  degree 100  digest
            amplifier ASes (reflectors): AS65003
            source ASes: AS65005

            """.ReplaceLineEndings(), Text(view));
    }

    [Fact]
    public void An_amplifier_whose_requests_were_not_found_ends_the_tree_with_why_and_no_source()
    {
        var lines = Text(ReflectedTraces.Unfound()).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"   └─ AS65003  Amplifier  depth 2  degree 100  digest  reflector {ReflectedTraces.Reflector} dns; " +
            $"requests not found: {ReflectedTraces.Unmatched}", lines[2]);
        Assert.Equal(["amplifier ASes (reflectors): AS65003", "no source AS found"], lines[^2..]);
        Assert.DoesNotContain(lines, l => l.Contains("Source", StringComparison.Ordinal));
    }

    [Fact]
    public void The_json_lists_the_amplifier_beside_the_origins_with_its_reflector_and_why_its_requests_were_not_found()
    {
        var crossed = Json(ReflectedTraces.Crossed());
        Assert.Equal([65005u], Numbers(crossed.GetProperty("originAses")));
        Assert.Equal([65003u], Numbers(crossed.GetProperty("reflectorAses")));
        var amplifier = crossed.GetProperty("ases").EnumerateArray().Single(a => a.GetProperty("as").GetUInt32() == 65003);
        Assert.Equal("Amplifier", amplifier.GetProperty("status").GetString());
        Assert.Equal([ReflectedTraces.Reflector], amplifier.GetProperty("reflectors").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["dns"], amplifier.GetProperty("reflectionServices").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, amplifier.GetProperty("reflectionUnmatched").ValueKind);

        var unfound = Json(ReflectedTraces.Unfound());
        Assert.Empty(Numbers(unfound.GetProperty("originAses")));
        Assert.Equal([65003u], Numbers(unfound.GetProperty("reflectorAses")));
        Assert.Equal(ReflectedTraces.Unmatched, unfound.GetProperty("ases").EnumerateArray().Single(a => a.GetProperty("as").GetUInt32() == 65003)
            .GetProperty("reflectionUnmatched").GetString());
    }

    [Fact]
    public void A_trace_without_reflection_prints_and_serialises_no_amplifier()
    {
        var view = TracebackIncidentTests.View();
        Assert.DoesNotContain("amplifier", Text(view), StringComparison.OrdinalIgnoreCase);
        var json = Json(view);
        Assert.Empty(Numbers(json.GetProperty("reflectorAses")));
        Assert.All(json.GetProperty("ases").EnumerateArray(), a => Assert.Equal(JsonValueKind.Null, a.GetProperty("reflectors").ValueKind));
        Assert.DoesNotContain("amplifier", AttackTreePicture.Svg("t", view.TreeAses()), StringComparison.Ordinal); // legend as before
    }

    [Fact]
    public void The_picture_draws_the_amplifier_in_its_own_colour_named_in_the_legend_and_its_tooltip_says_why_it_ended()
    {
        XElement Circle(XElement svg, uint asNumber) => svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-as") == $"{asNumber}");
        var crossed = XElement.Parse(AttackTreePicture.Svg("t", ReflectedTraces.Crossed().TreeAses()));
        var legend = crossed.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend");
        var amplifierFill = (string?)legend.Elements(Svg + "circle").Zip(legend.Elements(Svg + "text"))
            .Single(p => p.Second.Value == "amplifier (reflector)").First.Attribute("fill");
        string Fill(XElement svg, uint a) => (string)Circle(svg, a).Element(Svg + "circle")!.Attribute("fill")!;
        Assert.Equal(amplifierFill, Fill(crossed, 65003));
        Assert.NotEqual(amplifierFill, Fill(crossed, 65005));
        Assert.NotEqual(Fill(crossed, 65002), Fill(crossed, 65003)); // not drawn as transit …
        Assert.NotEqual(Fill(crossed, 65005), Fill(crossed, 65003)); // … nor as the source
        Assert.Equal(Fill(crossed, 65005), (string?)legend.Elements(Svg + "circle").Zip(legend.Elements(Svg + "text"))
            .Single(p => p.Second.Value == "attacker AS, traced").First.Attribute("fill"));
        Assert.Equal("AS65003 digest dns reflector", Circle(crossed, 65003).Element(Svg + "text")!.Value);

        var unfound = XElement.Parse(AttackTreePicture.Svg("t", ReflectedTraces.Unfound().TreeAses()));
        Assert.Equal(amplifierFill, Fill(unfound, 65003));
        Assert.Contains(ReflectedTraces.Unmatched, Circle(unfound, 65003).Element(Svg + "title")!.Value, StringComparison.Ordinal);
        Assert.Contains("(requests not found)", Circle(unfound, 65003).Element(Svg + "text")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void The_operator_page_names_the_amplifier_apart_from_the_origins_with_its_note()
    {
        string crossed = OperatorPages.Result(ReflectedTraces.Crossed(), 7);
        Assert.Contains("id=\"origins\">AS65005<", crossed, StringComparison.Ordinal);
        Assert.Contains("id=\"amplifiers\">AS65003<", crossed, StringComparison.Ordinal);
        Assert.Contains("AS65005; amplifiers: AS65003", OperatorPages.Origins(ReflectedTraces.Crossed()), StringComparison.Ordinal);

        string unfound = OperatorPages.Result(ReflectedTraces.Unfound(), 7);
        Assert.Contains("id=\"origins\">none found<", unfound, StringComparison.Ordinal);
        Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(ReflectedTraces.Unmatched), unfound, StringComparison.Ordinal);

        string plain = OperatorPages.Result(TracebackIncidentTests.View(), 7);
        Assert.DoesNotContain("amplifier", plain, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("AS65004", OperatorPages.Origins(TracebackIncidentTests.View()));
    }

    private static List<(string? Category, string As)> Flow(XElement flow) =>
        [.. flow.Elements(Iodef.Ns + "System").Select(s => ((string?)s.Attribute("category"), s.Descendants(Iodef.Ns + "Address").First().Value))];

    private static XElement Incident(TraceResultView view)
    {
        var document = TracebackIncident.Build(view, TracebackIncidentTests.Packets, 65001, "192.0.2.1:9005", TracebackIncidentTests.Now);
        var schemas = new XmlSchemaSet();
        schemas.Add(null, Path.Combine(RepositoryPaths.Root, "tests", "InterTrack.Tests", "Rid", "iodef-2.0-rules.xsd"));
        var errors = new List<string>();
        document.Validate(schemas, (_, e) => errors.Add(e.Message));
        Assert.Empty(errors);
        return document.Root!.Element(Iodef.Ns + "Incident")!;
    }

    [Fact]
    public void The_iodef_incident_has_the_amplifier_as_an_intermediate_with_its_reflector_and_the_forging_as_as_the_source()
    {
        XNamespace n = Iodef.Ns;
        var incident = Incident(ReflectedTraces.Crossed());
        var flow = incident.Descendants(n + "Flow").Single();
        Assert.Equal([("target", "65001"), ("intermediate", "65002"), ("intermediate", "65003"), ("intermediate", "65004"), ("source", "65005")],
            Flow(flow));
        var amplifier = flow.Elements(n + "System").ElementAt(2);
        Assert.Null(amplifier.Attribute("spoofed"));
        Assert.Equal([("asn", "65003"), ("ipv4-addr", "198.51.100.53")],
            amplifier.Descendants(n + "Address").Select(a => ((string)a.Attribute("category")!, a.Value)));
        var service = amplifier.Element(n + "Service")!;
        Assert.Equal(("17", "53"), ((string)service.Attribute("ip-protocol")!, service.Element(n + "Port")!.Value));
        Assert.Contains("amplifier, not the source", amplifier.Value, StringComparison.Ordinal);
        Assert.Contains("amplifier ASes, whose reflectors answered them: AS65003", incident.Element(n + "Description")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void An_iodef_amplifier_whose_requests_were_not_found_ends_its_flow_as_an_intermediate_with_why()
    {
        XNamespace n = Iodef.Ns;
        var incident = Incident(ReflectedTraces.Unfound());
        var flow = incident.Descendants(n + "Flow").Single();
        Assert.Equal([("target", "65001"), ("intermediate", "65002"), ("intermediate", "65003")], Flow(flow));
        Assert.DoesNotContain(incident.Descendants(n + "System"), s => (string?)s.Attribute("category") == "source");
        Assert.Contains(ReflectedTraces.Unmatched, flow.Elements(n + "System").Last().Value, StringComparison.Ordinal);
    }
}
