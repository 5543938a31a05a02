using System.CommandLine;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.Json;
using InterTrack.Digest;
using InterTrack.Node.Client;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Packets.Capture;
using InterTrack.Protocol.Model;

namespace InterTrack.Cli;

/// <summary><c>intertrack trace</c>: the Traceback Client. Exit 0 when a source AS was found, 1 when none, 2 on error.</summary>
internal static class TraceCommand
{
    public static Command Create()
    {
        var dp = new Option<string>("--dp") { Description = "The D Point, HOST:PORT (its client port, 9005 by default).", Required = true };
        var pcap = new Option<FileInfo>("--pcap") { Description = "Capture holding the attack packets." };
        pcap.AcceptExistingOnly(); // named at parse time, before any other work: "--pcap: File does not exist"
        var index = new Option<long?>("--index") { Description = "0-based index of the packet in --pcap (default 0)." };
        var all = new Option<bool>("--all") { Description = "Trace every IP packet of --pcap (one bulk request)." };
        var hex = new Option<string>("--hex") { Description = "One packet in hex, from its IP header on (its time: now)." };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for the result.", DefaultValueFactory = _ => 120 };
        wait.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && (!double.TryParse(result.Tokens[0].Value, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out double seconds)
                || seconds is <= 0 or > 86_400 or double.NaN))
            {
                result.AddError("--wait must be a number of seconds above 0 (at most a day).");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print the result as JSON: messageId, originAses, reflectorAses (amplifiers), asPaths, ases." };
        var cert = new Option<FileInfo>("--cert") { Description = "This client's certificate (from 'pki issue --role tc')." };
        var key = new Option<FileInfo>("--key") { Description = "Its private key." };
        var ca = new Option<FileInfo>("--ca") { Description = "The federation CA certificate." };
        var crl = new Option<FileInfo>("--crl") { Description = "The federation's revocation list (default: ca.crl beside --ca, when it exists)." };
        var legacy = new Option<bool>("--legacy") { Description = "Plain TCP to a D Point's legacy client port (no certificates)." };
        var resultOf = new Option<string>("--result-of") { Description = "Fetch the result of an earlier trace by its message id " +
            "(ASn/sec.usec) instead of tracing." };
        var md5 = new Option<bool>("--md5") { Description = "Send each packet as the historic client does: only its packter MD5 (encodetype md5), without " +
            "its time (docs/interop.md)." };
        var iodef = new Option<FileInfo>("--iodef") { Description = "Also write the result as an IODEF 2.0 traceback incident (RFC 7970) to this file, for " +
            "CSIRTs (docs/interop.md)." };
        var command = new Command("trace", "Trace attack packets through a D Point. Exit code: 0 a source AS was found, 1 none, 2 error.")
        {
            dp, pcap, index, all, hex, wait, json, cert, key, ca, crl, legacy, resultOf, md5, iodef,
        };
        command.Validators.Add(result =>
        {
            int evidence = (result.GetResult(pcap) is null ? 0 : 1) + (result.GetResult(hex) is null ? 0 : 1) + (result.GetResult(resultOf) is null ? 0 : 1);
            if (evidence != 1)
            {
                result.AddError("give one of --pcap FILE [--index N | --all], --hex HEX, or --result-of MESSAGEID.");
            }
            if (result.GetResult(legacy) is null && (result.GetResult(cert) is null || result.GetResult(key) is null || result.GetResult(ca) is null))
            {
                result.AddError("--cert, --key and --ca are needed (or --legacy for a plain-TCP D Point port).");
            }
        });
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var (host, port) = ParseEndpoint(parsed.GetValue(dp)!);
            MessageId? earlier = null;
            if (parsed.GetValue(resultOf) is { } idText)
            {
                try
                {
                    earlier = MessageId.Parse(idText);
                }
                catch (FormatException e)
                {
                    throw new CommandException(e.Message, e);
                }
            }
            var packets = earlier is not null ? []
                : parsed.GetValue(hex) is { } text
                ? [(IpPacket(QueryCommand.ParseHex(text)), TimeVal.ToNs(DateTimeOffset.UtcNow))]
                : ReadPackets(parsed.GetValue(pcap)!, parsed.GetValue(all) ? null : parsed.GetValue(index) ?? 0);
            var output = parsed.InvocationConfiguration.Output;
            bool asJson = parsed.GetValue(json);
            var iodefFile = parsed.GetValue(iodef);
            OutputFile.CheckWritable(iodefFile, "--iodef");
            TlsCredentials? credentials = null;
            try
            {
                MessageConnection connection;
                NodeId self, dpoint;
                if (parsed.GetValue(legacy))
                {
                    var me = new NodeIdentity(1, NodeRole.Client);
                    connection = await MessageClient.ConnectPlainAsync(host, port, me, cancellationToken: cancellationToken);
                    self = new OtherNodeId("legacy client");
                    dpoint = new OtherNodeId($"{host}:{port}");
                }
                else
                {
                    credentials = ClientCredentials.Load(parsed.GetValue(cert)!, parsed.GetValue(key)!, parsed.GetValue(ca)!, parsed.GetValue(crl));
                    try
                    {
                        connection = await TracebackClient.ConnectAsync(host, port, credentials, cancellationToken);
                    }
                    catch (AuthenticationException e) when (e.InnerException is UnexpectedPeerException { Presented: { } other })
                    {
                        throw new CommandException(NotOurDPoint($"{host}:{port}", other, credentials.Identity), e);
                    }
                    self = credentials.Identity.ToNodeId();
                    dpoint = new NodeIdentity(credentials.Identity.AsNumber, NodeRole.DPoint).ToNodeId();
                }
                await using (connection)
                {
                    var timeout = TimeSpan.FromSeconds(parsed.GetValue(wait));
                    var view = earlier is { } id
                        ? await TracebackClient.FetchAsync(connection, self, dpoint, id, timeout, cancellationToken)
                        : await TracebackClient.TraceAsync(connection, self, dpoint, packets, issued =>
                        {
                            if (!asJson)
                            {
                                output.WriteLine($"message id: {issued}");
                                output.Flush();
                            }
                        }, timeout, cancellationToken, parsed.GetValue(md5)
                            ? ip => new PacketDump(PackterMd5.Hex(ip), DumpEncoding.Md5, DumpHeader.Ip, 0, 32)
                            : null);
                    Print(output, view, asJson);
                    if (iodefFile is not null)
                    {
                        uint victimAs = credentials?.Identity.AsNumber ?? view.Ases.FirstOrDefault(a => a.Depth == 0)?.As ?? 0;
                        using var writer = System.Xml.XmlWriter.Create(iodefFile.FullName,
                            new System.Xml.XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) });
                        Rid.TracebackIncident.Build(view, packets, victimAs, $"{host}:{port}", DateTimeOffset.UtcNow).Save(writer);
                    }
                    return view.OriginAses.Count > 0 ? 0 : 1;
                }
            }
            catch (Exception e) when (e is IOException or AuthenticationException or TimeoutException or CryptographicException or ArgumentException
                or FormatException)
            {
                throw new CommandException(e.Message, e);
            }
            finally
            {
                credentials?.Dispose();
            }
        });
        return command;
    }

    /// <summary>--dp reached a node of the federation that is not this client's D Point: say whose it is and where to point instead.</summary>
    private static string NotOurDPoint(string at, NodeIdentity other, NodeIdentity self) => other.Role == NodeRole.DPoint
        ? $"--dp {at}: the peer there is AS{other.AsNumber}'s D Point, not AS{self.AsNumber}'s: a Traceback Client traces through the D Point of "
            + $"its own AS (the AS of --cert)"
        : $"--dp {at}: the peer there is AS{other.AsNumber}'s {(other.Role == NodeRole.Client ? "Traceback Client" : other.RoleName.ToUpperInvariant())}, "
            + "not a D Point: point --dp at the D Point's address (dp.listen in its configuration)";

    internal static void Print(TextWriter output, TraceResultView view, bool json)
    {
        if (json)
        {
            // reflectorAses and the per-AS reflection fields as the emulator's report names them (docs/reflection.md).
            output.WriteLine(JsonSerializer.Serialize(new
            {
                messageId = view.MessageId.ToString(),
                originAses = view.OriginAses,
                reflectorAses = view.ReflectorAses,
                asPaths = view.AsPaths,
                ases = view.Ases.Select(a => new { @as = a.As, depth = a.Depth, status = a.Status.ToString(), state = a.State.ToString().ToLowerInvariant(),
                degree = a.Degree, tstype = a.TsType,
                    error = a.Error, skipped = a.Skipped, candidateOrigins = a.CandidateCount > 0 ? a.Candidates : null,
                    candidateCount = a.CandidateCount > 0 ? a.CandidateCount : (int?)null, candidateReason = a.CandidateReason,
                    reflectors = a.Status == AsStatus.Amplifier ? a.Reflectors : null,
                    reflectionServices = a.Status == AsStatus.Amplifier ? a.ReflectionServices : null, reflectionUnmatched = a.ReflectionUnmatched }),
            }));
            return;
        }
        view.WriteTree(output);
        if (view.ReflectorAses.Count > 0)
        {
            // Before the source line, which stays the last (scripts take it with tail -1).
            output.WriteLine($"amplifier ASes (reflectors): {string.Join(", ", view.ReflectorAses.Select(a => $"AS{a}"))}");
        }
        output.WriteLine(view.OriginAses.Count == 0
            ? "no source AS found"
            : $"source ASes: {string.Join(", ", view.OriginAses.Select(a => $"AS{a}"))}");
    }

    private static List<(byte[] IpPacket, long TimestampNs)> ReadPackets(FileInfo file, long? only)
    {
        var packets = new List<(byte[], long)>();
        try
        {
            using var reader = CaptureReader.Open(file.FullName);
            for (long i = 0; reader.TryRead(out var packet); i++)
            {
                if (only is { } n && i != n)
                {
                    continue;
                }
                int offset = IpLocator.FindIp(packet.Data, packet.LinkType);
                if (offset >= 0)
                {
                    packets.Add((packet.Data[offset..].ToArray(), packet.TimestampNs));
                }
                else if (only is not null)
                {
                    throw new CommandException($"packet {i} of {file.FullName} is not an IP packet");
                }
                if (only is not null)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is CaptureFormatException or IOException)
        {
            throw new CommandException($"{file.FullName}: {e.Message}", e);
        }
        return packets.Count > 0 ? packets : throw new CommandException(only is { } missing
            ? $"{file.FullName} has no packet {missing} (indices start at 0)"
            : $"{file.FullName} holds no IP packet");
    }

    /// <summary>The --hex packet, when it is a whole IPv4 or IPv6 header at least (what any traceback system needs).</summary>
    private static byte[] IpPacket(byte[] bytes) =>
        bytes.Length >= 20 && (bytes[0] >> 4 == 4 && bytes.Length >= (bytes[0] & 0x0F) * 4 && (bytes[0] & 0x0F) >= 5 || bytes[0] >> 4 == 6
        && bytes.Length >= 40)
            ? bytes
            : throw new CommandException("--hex: not an IPv4 or IPv6 packet with a whole header");

    internal static (string Host, int Port) ParseEndpoint(string text)
    {
        return HostPort.TryParse(text, out string host, out int port) ? (host, port) : throw new CommandException($"'{text}' is not HOST:PORT");
    }
}
