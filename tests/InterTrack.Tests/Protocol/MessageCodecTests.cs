using System.Text;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using InterTrack.Protocol;
using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Protocol;

public class MessageCodecTests
{
    private readonly MessageCodec _codec = new();

    public static TheoryData<string, InterTrackMessage> Messages()
    {
        var data = new TheoryData<string, InterTrackMessage>();
        int i = 0;
        foreach (var message in MessageSamples.All())
        {
            data.Add($"{i++}:{message.GetType().Name}", message);
        }
        return data;
    }

    [SkippableFact]
    public void Samples_cover_every_message_type_of_the_schema()
    {
        Requires.ReferenceSchema();
        var sampled = MessageSamples.All().Select(m => XElement.Parse(_codec.EncodeToString(m)).Attribute("type")!.Value).ToHashSet();
        var schema = XDocument.Load(RepositoryPaths.ReferenceSchema);
        var declared = schema.Descendants().Where(e => e.Attribute("name")?.Value == "Message_atype")
            .Descendants().Select(e => e.Attribute("value")?.Value).OfType<string>().ToHashSet();
        Assert.Equal(18, declared.Count);
        Assert.Equal(declared.Order(), sampled.Order());
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Round_trip_gives_an_equal_message(string name, InterTrackMessage message)
    {
        var decoded = _codec.Decode(_codec.Encode(message));
        Assert.Equal(message, decoded);
        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Emitted_xml_validates_against_our_schema(string name, InterTrackMessage message)
    {
        Validate(_codec.Encode(message), MessageSchema.Load());
        Assert.NotNull(name);
    }

    [SkippableTheory]
    [MemberData(nameof(Messages))]
    public void Emitted_xml_validates_against_the_published_schema(string name, InterTrackMessage message)
    {
        Requires.ReferenceSchema();
        Validate(_codec.Encode(message), ReferenceSchema());
        Assert.NotNull(name);
    }

    [Fact]
    public void Records_with_different_content_are_not_equal()
    {
        var a = MessageSamples.ItmRequest(3);
        var b = MessageSamples.ItmRequest(4);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, _codec.Decode(_codec.Encode(b)));
    }

    [Fact]
    public void An_xml_declaration_and_surrounding_whitespace_are_accepted()
    {
        var message = new HeartbeatRequest(NeighborNode.ForItm(7));
        string text = _codec.EncodeToString(message);
        Assert.StartsWith("<?xml", text, StringComparison.Ordinal);
        Assert.Equal(message, _codec.Decode(Encoding.UTF8.GetBytes("\r\n  " + text + "\n")));
    }

    [Fact]
    public void A_message_we_would_not_accept_is_not_sent()
    {
        var small = new MessageCodec(new ProtocolLimits { MaxMessageBytes = 4096 });
        Assert.Throws<ProtocolException>(() => small.Encode(MessageSamples.ItmRequest(100)));
    }

    [Fact]
    public void Footmark_cap_refuses_a_request_over_it()
    {
        var codec = new MessageCodec(new ProtocolLimits { MaxFootmarks = 10 });
        var bytes = _codec.Encode(MessageSamples.ItmRequest(11));
        var e = Assert.Throws<ProtocolException>(() => codec.Decode(bytes));
        Assert.Contains("footmarks", e.Message, StringComparison.Ordinal);
        Assert.NotNull(codec.Decode(_codec.Encode(MessageSamples.ItmRequest(10))));
    }

    internal static XmlSchemaSet ReferenceSchema()
    {
        var set = new XmlSchemaSet { XmlResolver = null };
        using var reader = XmlReader.Create(RepositoryPaths.ReferenceSchema);
        set.Add(null, reader);
        set.Compile();
        return set;
    }

    internal static void Validate(byte[] xml, XmlSchemaSet schemas)
    {
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings };
        var errors = new List<string>();
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity}: {e.Message} (line {e.Exception?.LineNumber}, col {e.Exception?.LinePosition})");
        using (var reader = XmlReader.Create(new MemoryStream(xml), settings))
        {
            while (reader.Read())
            {
            }
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + Encoding.UTF8.GetString(xml));
    }
}
