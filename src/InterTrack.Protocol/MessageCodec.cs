using System.Text;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using InterTrack.Protocol.Framing;
using InterTrack.Protocol.Model;
using InterTrack.Protocol.Xml;

namespace InterTrack.Protocol;

/// <summary>
/// Encodes messages to XML documents and decodes untrusted documents back, validating each
/// against the message schema with no DTD, no external resolution and the caps of
/// <see cref="ProtocolLimits"/>. Thread-safe.
/// </summary>
public sealed class MessageCodec
{
    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        OmitXmlDeclaration = false,
        NewLineHandling = NewLineHandling.Entitize, // a line break in text becomes &#xA;: a document is one line
    };

    [ThreadStatic] private static XmlSchemaSet? t_schemas;

    public MessageCodec(ProtocolLimits? limits = null)
    {
        Limits = limits ?? ProtocolLimits.Default;
        Limits.Validate();
    }

    public ProtocolLimits Limits { get; }

    /// <exception cref="ProtocolException">The document would exceed the byte cap, so no peer would take it.</exception>
    public byte[] Encode(InterTrackMessage message)
    {
        using var buffer = new MemoryStream(1024);
        using (var writer = XmlWriter.Create(buffer, WriterSettings))
        {
            MessageXmlWriter.Envelope(message).WriteTo(writer);
        }
        return buffer.Length <= Limits.MaxMessageBytes
            ? buffer.ToArray()
            : throw new ProtocolException($"message of {buffer.Length} bytes exceeds the cap of {Limits.MaxMessageBytes}");
    }

    /// <summary>
    /// The document as it goes on the wire: one line, ended by a line feed. Line-reading clients
    /// (the historic Traceback Client reads one document per line) take it as it is; our frame
    /// scanner skips the whitespace between documents.
    /// </summary>
    /// <exception cref="ProtocolException">The document would exceed the byte cap.</exception>
    public byte[] EncodeLine(InterTrackMessage message)
    {
        var document = Encode(message);
        var line = new byte[document.Length + 1];
        document.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>The document as text, for logs, files and tests.</summary>
    public string EncodeToString(InterTrackMessage message) => Encoding.UTF8.GetString(Encode(message));

    /// <summary>Decodes one complete document.</summary>
    /// <exception cref="ProtocolException">The document is malformed, invalid, or over a cap.</exception>
    public InterTrackMessage Decode(ReadOnlySpan<byte> document)
    {
        // The same scan the stream reader does: size and depth caps, no DOCTYPE, one document.
        var scanner = new FrameScanner(Limits);
        int last = scanner.Feed(document);
        if (last < 0 || document[(last + 1)..].ContainsAnyExcept(" \t\r\n"u8))
        {
            throw new ProtocolException(last < 0 ? "incomplete document" : "data after the document");
        }
        return Parse(document[(int)scanner.LeadingWhitespace..(last + 1)].ToArray());
    }

    private InterTrackMessage Parse(byte[] document)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = Limits.MaxMessageBytes,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            ValidationType = ValidationType.Schema,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
            Schemas = t_schemas ??= MessageSchema.Load(),
        };
        settings.ValidationEventHandler += static (_, e) => throw new ProtocolException($"invalid message: {e.Message}");
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(document, writable: false), settings);
            var root = XElement.Load(reader);
            return new MessageXmlReader(Limits).Envelope(root);
        }
        catch (XmlException e)
        {
            throw new ProtocolException($"malformed message: {e.Message}", e);
        }
        catch (XmlSchemaException e)
        {
            throw new ProtocolException($"invalid message: {e.Message}", e);
        }
        catch (FormatException e)
        {
            throw new ProtocolException($"invalid message: {e.Message}", e);
        }
        catch (OverflowException e)
        {
            throw new ProtocolException($"invalid message: {e.Message}", e);
        }
    }
}
