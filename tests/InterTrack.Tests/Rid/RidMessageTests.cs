using System.Xml.Linq;
using InterTrack.Rid;

namespace InterTrack.Tests.Rid;

/// <summary>
/// Every RID message InterTrack sends is what an agent validating against RFC 6545's schema (and
/// RFC 7970's for the IODEF document it carries) accepts; the forms it used to send are still read.
/// </summary>
public sealed class RidMessageTests
{
    private static XDocument Incident() =>
        TracebackIncident.Build(TracebackIncidentTests.View(), TracebackIncidentTests.Packets, 65001, "192.0.2.1:9005", TracebackIncidentTests.Now);

    [Fact]
    public void Results_and_acknowledgements_are_valid_rid_carrying_the_incident_in_report_schema_and_naming_the_request()
    {
        var result = RidMessage.Build("Result", 65001, "csirt.example", "ddos-1", iodef: Incident());
        Assert.Empty(RidSchemas.Errors(result));
        XNamespace rid = Iodef.Rid;
        var carried = result.Root!.Element(rid + "RIDPolicy")!.Element(rid + "ReportSchema")!.Element(rid + "XMLDocument")!
            .Element(Iodef.Ns + "IODEF-Document");
        Assert.NotNull(carried);
        var read = RidMessage.From(result);
        Assert.Equal(("Result", "csirt.example", "ddos-1"), (read.MsgType, read.IncidentName, read.IncidentId));
        Assert.Equal(TracebackIncidentTests.Packets.Length, IodefPackets.Read(read.IodefDocument!).Count);

        var pending = RidMessage.Acknowledgement(65001, "csirt.example", "ddos-1", "Pending", null, "the trace is running");
        Assert.Empty(RidSchemas.Errors(pending));
        Assert.Equal("ddos-1", RidMessage.From(pending).IncidentId);
        // Refused before the request could be read: no incident to name, still valid.
        var denied = RidMessage.Acknowledgement(65001, null, null, "Denied", "UnrecognizedFormat", "not well-formed -- at line 1");
        Assert.Empty(RidSchemas.Errors(denied));
    }

    [Theory]
    [InlineData("TraceRequest", "TraceRequest")]
    [InlineData("InvestigationRequest", "InvestigationRequest")]
    [InlineData("Request", "TraceRequest")]
    [InlineData("Investigation", "InvestigationRequest")]
    public void Trace_requests_are_sent_with_rfc_6545_message_types_under_the_incidents_id(string asked, string sent)
    {
        var request = RidMessage.TraceRequest(asked, 64512, CsirtRequests.Iodef(TracebackIncidentTests.Packets));
        Assert.Empty(RidSchemas.Errors(request));
        var read = RidMessage.From(request);
        Assert.Equal((sent, "csirt.example", "ddos-1"), (read.MsgType, read.IncidentName, read.IncidentId));
        Assert.Contains(read.MsgType, RidMessage.TraceRequests);
    }

    [Fact]
    public void A_request_whose_document_names_no_incident_gets_an_id_of_its_own_and_other_types_are_not_trace_requests()
    {
        var iodef = CsirtRequests.Iodef(TracebackIncidentTests.Packets);
        iodef.Descendants(Iodef.Ns + "IncidentID").Remove();
        var request = RidMessage.TraceRequest("TraceRequest", 64512, iodef);
        Assert.Equal("intertrack:AS64512", RidMessage.From(request).IncidentName);
        Assert.False(string.IsNullOrEmpty(RidMessage.From(request).IncidentId));
        Assert.Throws<ArgumentException>(() => RidMessage.TraceRequest("Report", 64512, iodef));
    }

    [Fact]
    public void The_schemas_refuse_the_old_envelope_and_check_the_incident_inside()
    {
        // What the gateway answered before: schema-invalid in three places.
        var errors = RidSchemas.Errors(CsirtRequests.Legacy("Result", Incident(), "ddos-1"));
        Assert.Contains(errors, e => e.Contains("'lang' is missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("RIDPolicy/Node: ", StringComparison.Ordinal)); // IODEF 2.0's Node where RID takes 1.0's
        Assert.Contains(errors, e => e.StartsWith("RID/IODEF-Document: ", StringComparison.Ordinal)); // the document outside ReportSchema

        var broken = Incident();
        broken.Root!.Element(Iodef.Ns + "Incident")!.Attribute("purpose")!.Remove();
        Assert.Contains(RidSchemas.Errors(RidMessage.Build("Result", 65001, "csirt.example", "ddos-1", iodef: broken)),
            e => e.Contains("'purpose'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_envelope_earlier_intertrack_sent_is_still_read()
    {
        var old = RidMessage.From(CsirtRequests.Legacy("Request", CsirtRequests.Iodef(TracebackIncidentTests.Packets), "ddos-7"));
        Assert.Equal(("Request", "csirt.example", "ddos-7"), (old.MsgType, old.IncidentName, old.IncidentId));
        Assert.Contains(old.MsgType, RidMessage.TraceRequests);
        Assert.Equal(TracebackIncidentTests.Packets.Length, IodefPackets.Read(old.IodefDocument!).Count);
    }
}
