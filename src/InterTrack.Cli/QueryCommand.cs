using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using InterTrack.Digest;
using InterTrack.Flow;
using InterTrack.Flow.Store;
using InterTrack.Packets.Capture;
using InterTrack.Protocol.Model;

namespace InterTrack.Cli;

/// <summary>
/// <c>intertrack query</c>: was this packet seen, in digest pages or flow records? Exit 0 seen;
/// 1 not seen, only when the evidence covering its time was asked; 3 unknown, when none kept
/// covers its time (expired); 2 error, also for a directory that holds no such evidence at all
/// (empty, or the other kind), which is checked before anything else.
/// </summary>
internal static class QueryCommand
{
    private const int Seen = 0, NotSeen = 1, Unknown = 3;

    public static Command Create()
    {
        var digests = new Option<DirectoryInfo>("--digests") { Description = "Directory of page files (from 'digest' or 'capture')." };
        var flows = new Option<DirectoryInfo>("--flows") { Description = "Flow store directory (from 'flows' or a node's collector)." };
        var pcap = new Option<FileInfo>("--pcap") { Description = "Capture file holding the packet (with --index)." };
        var index = new Option<long?>("--index") { Description = "0-based index of the packet in --pcap." };
        var all = new Option<bool>("--all") { Description = "With --digests and --pcap: ask about every packet of the file (each at its capture time) and " +
            "print how many were seen; " +
            "exit 0 when all were, 1 when any was not, else 3 (the others expired)." };
        var hex = new Option<string>("--hex") { Description = "The packet in hex, from its IP header on." };
        var at = new Option<string>("--at") { Description = "When it was seen: ISO 8601 or Unix seconds (default: its capture time with " +
            "--pcap, any time with --hex)." };
        var tolerance = new Option<double>("--tolerance") { Description = "Seconds a page or flow may lie from --at (δ; for flows, the slack around a " +
            "record's start and end).", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json") { Description = "Print JSON: digests {\"seen\", \"matches\": [{\"link\", \"windowStart\", \"windowEnd\", " +
            "\"falsePositiveRate\"}], \"expired\"}; " +
            "flows {\"seen\", \"matches\": [{\"exporter\", \"observationDomain\", \"ingressInterface\", \"egressInterface\", \"start\", \"end\", " +
            "\"packets\", \"octets\", \"certainty\"}], \"expired\"}." };
        var command = new Command("query",
            "Ask digest pages or flow records whether a packet was seen. Exit code: 0 seen; 1 not seen (the evidence kept for its time " +
            "was asked); 3 unknown (expired: nothing kept covers its time); 2 error (also a directory holding no digest pages or flow records).")
        {
            digests, flows, pcap, index, all, hex, at, tolerance, json,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(digests) is null) == (result.GetResult(flows) is null))
            {
                result.AddError("give either --digests DIR or --flows DIR.");
            }
            if (result.GetResult(tolerance) is not null && result.GetValue(tolerance) is < 0 or double.NaN)
            {
                result.AddError("--tolerance must be 0 or more seconds.");
            }
            bool byFile = result.GetResult(pcap) is not null, byHex = result.GetResult(hex) is not null;
            bool whole = result.GetValue(all);
            if (byFile == byHex)
            {
                result.AddError("give either --pcap FILE (--index N or --all) or --hex HEX.");
            }
            else if (whole && (!byFile || result.GetResult(index) is not null || result.GetResult(at) is not null || result.GetResult(flows) is not null))
            {
                result.AddError("--all asks --digests about every packet of --pcap (at its capture time): not with --index, --hex, --at or --flows.");
            }
            else if (!whole && byFile != (result.GetResult(index) is not null))
            {
                result.AddError("--pcap goes with --index N or --all.");
            }
        });
        (byte[] Ip, long? TimeNs) Packet(ParseResult parsed)
        {
            (byte[] Ip, long? TimeNs) packet = parsed.GetValue(hex) is { } text ? (ParseHex(text), null)
                : ReadPacket(parsed.GetValue(pcap)!, parsed.GetValue(index)!.Value);
            return parsed.GetValue(at) is { } atText ? (packet.Ip, ParseTime(atText)) : packet;
        }
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var slack = TimeSpan.FromSeconds(parsed.GetValue(tolerance));
            if (parsed.GetValue(pcap) is { } capture && Directory.Exists(capture.FullName))
            {
                throw new CommandException($"--pcap: {capture.FullName} is a directory, not a capture file");
            }
            if (parsed.GetValue(flows) is { } flowDirectory)
            {
                using var store = OpenFlows(flowDirectory);
                var (flowIp, flowTimeNs) = Packet(parsed);
                return AskFlows(output, store, flowIp, flowTimeNs, slack, parsed.GetValue(json));
            }
            var pageDirectory = parsed.GetValue(digests)!;
            CheckDigests(pageDirectory);
            if (parsed.GetValue(all))
            {
                return AskAll(output, pageDirectory, parsed.GetValue(pcap)!, slack, parsed.GetValue(json));
            }
            var (ip, timeNs) = Packet(parsed);
            return AskDigests(output, pageDirectory, ip, timeNs, slack, parsed.GetValue(json));
        });
        return command;
    }

    private static int AskDigests(TextWriter output, DirectoryInfo directory, byte[] ip, long? timeNs, TimeSpan tolerance, bool json)
    {
        if (PacketInvariant.Of(ip).Length == 0)
        {
            throw new CommandException("the packet is not an IPv4 or IPv6 packet with a whole header");
        }
        var pages = LoadPages(directory);
        try
        {
            var answer = DigestQuery.Ask(pages, DigestKeys.OfPacket(ip), timeNs, tolerance);
            Print(output, answer, json, pages.Count);
            return answer.Seen ? Seen : answer.Expired ? Unknown : NotSeen;
        }
        finally
        {
            pages.ForEach(p => p.Dispose());
        }
    }

    /// <summary>A directory that cannot answer at all is an error, not a packet not seen: missing, empty, or a flow store.</summary>
    private static void CheckDigests(DirectoryInfo directory)
    {
        if (Holds("--digests", directory, DigestArchive.HasPages))
        {
            return;
        }
        throw new CommandException(Holds("--digests", directory, FlowStore.HasSegments)
            ? $"--digests {directory}: holds no digest pages (it looks like a flow store: use --flows)"
            : $"--digests {directory}: empty: no digest pages kept");
    }

    /// <summary>The flow store, when the directory holds one (else an error, as for <see cref="CheckDigests"/>).</summary>
    private static FlowStore OpenFlows(DirectoryInfo directory)
    {
        if (!Holds("--flows", directory, FlowStore.HasSegments))
        {
            throw new CommandException(Holds("--flows", directory, DigestArchive.HasPages)
                ? $"--flows {directory}: holds no flow records (it looks like a digest directory: use --digests)"
                : $"--flows {directory}: empty: no flow records kept");
        }
        try
        {
            return FlowStore.OpenReader(directory.FullName);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new CommandException($"--flows: {e.Message}", e);
        }
    }

    /// <summary>
    /// Whether the directory <paramref name="option"/> names holds that kind of file; a missing or unreadable one is an
    /// error naming the option.
    /// </summary>
    private static bool Holds(string option, DirectoryInfo directory, Func<string, bool> kind)
    {
        if (!directory.Exists)
        {
            throw new CommandException(File.Exists(directory.FullName) ? $"{option} {directory}: a file, not a directory"
                : $"{option} {directory}: no such directory");
        }
        try
        {
            return kind(directory.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"{option} {directory}: {e.Message}", e);
        }
    }

    private static List<DigestPage> LoadPages(DirectoryInfo directory)
    {
        try
        {
            return DigestArchive.Load(directory.FullName);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new CommandException(e.Message, e);
        }
    }

    private static int AskAll(TextWriter output, DirectoryInfo directory, FileInfo capture, TimeSpan tolerance, bool json)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pages = LoadPages(directory);
        try
        {
            var batch = new DigestBatchQuery(pages, tolerance);
            long notIp = 0;
            try
            {
                using var reader = CaptureReader.Open(capture.FullName);
                while (reader.TryRead(out var packet))
                {
                    int offset = IpLocator.FindIp(packet.Data, packet.LinkType);
                    if (offset < 0 || !batch.Add(packet.Data[offset..], packet.TimestampNs))
                    {
                        notIp++;
                    }
                }
            }
            catch (Exception e) when (e is CaptureFormatException or IOException)
            {
                throw new CommandException($"{capture.FullName}: {e.Message}", e);
            }
            var answer = batch.Answer();
            double seconds = clock.Elapsed.TotalSeconds;
            if (json)
            {
                output.WriteLine(JsonSerializer.Serialize(new { packets = answer.Packets, seen = answer.Seen, notSeen = answer.NotSeen,
                    expired = answer.Expired, notIp, pages = pages.Count, seconds = Math.Round(seconds, 3) }));
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"packets: {answer.Packets} ({notIp} not IP); seen {answer.Seen}, not seen {answer.NotSeen}, expired {answer.Expired} (no kept page " +
                    $"covers their time); {pages.Count} pages; {seconds:F2} s"));
            }
            if (answer.Packets == 0)
            {
                throw new CommandException($"--pcap {capture}: holds no IP packet to ask about");
            }
            return answer.Seen == answer.Packets ? Seen : answer.NotSeen > 0 ? NotSeen : Unknown;
        }
        finally
        {
            pages.ForEach(p => p.Dispose());
        }
    }

    private static int AskFlows(TextWriter output, FlowStore store, byte[] ip, long? timeNs, TimeSpan slack, bool json)
    {
        if (FlowKey.OfPacket(ip) is not var (key, tos))
        {
            throw new CommandException("the packet is not an IPv4 or IPv6 packet with a whole header");
        }
        long? atMs = timeNs / 1_000_000;
        var found = store.Find(key, atMs, slack);
        bool expired = found.Count == 0 && !store.Covers(atMs, slack);
        static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                seen = found.Count > 0,
                matches = found.Select(r => new
                {
                    exporter = r.ExporterAddress.ToString(),
                    observationDomain = r.ObservationDomain,
                    ingressInterface = r.IngressInterface,
                    egressInterface = r.EgressInterface,
                    start = Time(r.StartMs),
                    end = Time(r.EndMs),
                    packets = r.Packets,
                    octets = r.Octets,
                    certainty = FlowEvidence.Certainty(key, tos, r, timeNs is not null),
                }),
                expired,
            }));
        }
        else
        {
            output.WriteLine(expired ? $"expired: no kept flow record (of {store.Count}) covers that time" : found.Count > 0 ? "seen" : "not seen");
            foreach (var r in found)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  exporter {r.ExporterAddress} (domain {r.ObservationDomain}) in {r.IngressInterface} out {r.EgressInterface}  {Time(r.StartMs)} .. " +
                    $"{Time(r.EndMs)}  {r.Packets} packets, {r.Octets} bytes, certainty {FlowEvidence.Certainty(key, tos, r, timeNs is not null):F2}"));
            }
        }
        return found.Count > 0 ? Seen : expired ? Unknown : NotSeen;
    }

    private static void Print(TextWriter output, DigestAnswer answer, bool json, int pageCount)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                seen = answer.Seen,
                matches = answer.Matches.Select(m => new
                {
                    link = m.Link,
                    windowStart = m.WindowStart.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                    windowEnd = m.WindowEnd.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                    falsePositiveRate = m.FalsePositiveRate,
                }),
                expired = answer.Expired,
            }));
            return;
        }
        output.WriteLine(answer.Expired ? $"expired: no kept page (of {pageCount}) covers that time" : answer.Seen ? "seen" : "not seen");
        foreach (var page in answer.Pages)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {(page.Seen ? "yes" : "no "),-3} {page.Link}  {page.WindowStart.UtcDateTime:O} .. {page.WindowEnd.UtcDateTime:O}  false positives " +
                $"{page.FalsePositiveRate:P4}"));
        }
    }

    /// <summary>The IP packet (from its header on) of a capture's frame, and its capture time.</summary>
    private static (byte[] Ip, long TimeNs) ReadPacket(FileInfo file, long index)
    {
        if (index < 0)
        {
            throw new CommandException("--index must be 0 or more");
        }
        try
        {
            using var reader = CaptureReader.Open(file.FullName);
            for (long i = 0; reader.TryRead(out var packet); i++)
            {
                if (i == index)
                {
                    int at = IpLocator.FindIp(packet.Data, packet.LinkType);
                    return (at < 0 ? [] : packet.Data[at..].ToArray(), packet.TimestampNs);
                }
            }
        }
        catch (Exception e) when (e is CaptureFormatException or IOException)
        {
            throw new CommandException($"{file.FullName}: {e.Message}", e);
        }
        throw new CommandException($"{file.FullName} has no packet {index} (indices start at 0)");
    }

    internal static byte[] ParseHex(string text)
    {
        var clean = new string([.. text.Where(c => !char.IsWhiteSpace(c) && c != ':')]);
        try
        {
            return Convert.FromHexString(clean);
        }
        catch (FormatException e)
        {
            throw new CommandException("--hex is not a hex string", e);
        }
    }

    internal static long ParseTime(string text)
    {
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds))
        {
            return (long)(seconds * 1_000_000_000m);
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return TimeVal.ToNs(time);
        }
        throw new CommandException($"--at '{text}' is neither ISO 8601 nor Unix seconds");
    }
}
