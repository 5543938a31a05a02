using System.CommandLine;
using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;
using InterTrack.Node.Transport;
using InterTrack.Rid;

namespace InterTrack.Cli;

/// <summary><c>intertrack rid send</c>: a minimal RID client (RFC 6545 over RFC 6546) that posts an IODEF document as a trace request.</summary>
internal static class RidCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The RID agent, https://HOST:PORT/ (RID's port is 4590).", Required = true };
        var iodef = new Option<FileInfo>("--iodef") { Description = "IODEF document whose RecordItem packets (ipv4-packet/ipv6-packet, hex) are to be traced.",
            Required = true };
        var type = new Option<string>("--type")
        {
            Description = "The RID MsgType to send: TraceRequest or InvestigationRequest (RFC 6545); the older names Request and " +
                "Investigation are sent as these.",
            DefaultValueFactory = _ => "TraceRequest",
        };
        type.AcceptOnlyFromAmong("TraceRequest", "InvestigationRequest", "Request", "Investigation");
        var cert = new Option<FileInfo>("--cert") { Description = "This client's certificate (a Traceback Client certificate of the federation, 'pki issue " +
            "--role tc').", Required = true };
        var key = new Option<FileInfo>("--key") { Description = "Its private key.", Required = true };
        var ca = new Option<FileInfo>("--ca") { Description = "The federation CA certificate: the agent's certificate must chain to it.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Write the RID answer (the Result with its IODEF incident) to this file." };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for the answer.", DefaultValueFactory = _ => 120 };
        var send = new Command("send", "Post an IODEF document as a RID trace request; print the answer. Exit code: 0 answered 200 or 202, 1 refused, 2 error.")
        {
            url, iodef, type, cert, key, ca, output, wait,
        };
        send.SetAction(async (parsed, cancellationToken) =>
        {
            if (!Uri.TryCreate(parsed.GetValue(url), UriKind.Absolute, out var target) || target.Scheme != Uri.UriSchemeHttps)
            {
                throw new CommandException($"--url: '{parsed.GetValue(url)}' is not an https:// URL (RID runs over TLS)");
            }
            var file = parsed.GetValue(iodef)!;
            var outFile = parsed.GetValue(output);
            OutputFile.CheckWritable(outFile, "--out");
            XDocument document;
            try
            {
                using var stream = File.OpenRead(file.FullName);
                document = SafeXml.Parse(stream, 64L << 20);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
            {
                throw new CommandException($"--iodef: {file.FullName}: {e.Message}", e);
            }
            if (document.Root?.Name != Iodef.Ns + "IODEF-Document")
            {
                throw new CommandException($"--iodef: {file.FullName} is not an IODEF 2.0 document (root {document.Root?.Name})");
            }
            try
            {
                using var credentials = ClientCredentials.Load(parsed.GetValue(cert)!, parsed.GetValue(key)!, parsed.GetValue(ca)!);
                using var client = new RidClient(credentials, TimeSpan.FromSeconds(parsed.GetValue(wait)));
                var request = RidMessage.TraceRequest(parsed.GetValue(type)!, credentials.Identity.AsNumber, document);
                var (status, body) = await client.PostAsync(target, request, cancellationToken);
                var writer = parsed.InvocationConfiguration.Output;
                writer.WriteLine($"HTTP {(int)status} {status}");
                if (body is not null)
                {
                    Summarize(writer, body);
                    if (outFile is not null)
                    {
                        await File.WriteAllTextAsync(outFile.FullName, body, cancellationToken);
                    }
                }
                return (int)status is 200 or 202 ? 0 : 1;
            }
            catch (Exception e) when (e is IOException or CryptographicException or HttpRequestException or TaskCanceledException or ArgumentException)
            {
                throw new CommandException($"cannot send to {target}: {e.Message}", e);
            }
        });
        var command = new Command("rid", "RID (RFC 6545/6546): exchange trace requests and IODEF incidents with CSIRTs.") { send };
        return command;
    }

    /// <summary>The answer's message type, status, and the origin ASes its IODEF incident names.</summary>
    private static void Summarize(TextWriter writer, string body)
    {
        try
        {
            using var reader = new StringReader(body);
            using var xml = XmlReader.Create(reader, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var document = XDocument.Load(xml); // with its comments: a denial's reason is one
            var answer = RidMessage.From(document);
            var status = document.Descendants(Iodef.Rid + "RequestStatus").FirstOrDefault();
            writer.WriteLine($"RID {answer.MsgType}" +
                $"{(status is null ? "" : $": {(string?)status.Attribute("AuthorizationStatus")} {(string?)status.Attribute("Justification")}")}"
                + (status?.Nodes().OfType<XComment>().FirstOrDefault() is { } why ? $" ({why.Value.Trim()})" : ""));
            var sources = answer.IodefDocument?.Descendants(Iodef.Ns + "System").Where(s => (string?)s.Attribute("category") == "source")
                .Select(s => s.Descendants(Iodef.Ns + "Address").FirstOrDefault()?.Value).OfType<string>().Select(a => "AS" + a).Distinct().ToList() ?? [];
            if (answer.IodefDocument is not null)
            {
                writer.WriteLine($"origin ASes: {(sources.Count == 0 ? "none" : string.Join(", ", sources))}");
            }
        }
        catch (Exception e) when (e is XmlException or FormatException)
        {
            writer.WriteLine($"(the answer is not a RID message: {e.Message})");
        }
    }
}
