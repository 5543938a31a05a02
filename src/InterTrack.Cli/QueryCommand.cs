using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using InterTrack.Capture;
using InterTrack.Digest;
using InterTrack.Protocol.Model;

namespace InterTrack.Cli;

/// <summary><c>intertrack query</c>: was this packet seen? Exit 0 seen, 1 not seen (or expired), 2 error.</summary>
internal static class QueryCommand
{
    public static Command Create()
    {
        var digests = new Option<DirectoryInfo>("--digests") { Description = "Directory of page files (from 'digest' or 'capture').", Required = true };
        var pcap = new Option<FileInfo>("--pcap") { Description = "Capture file holding the packet (with --index)." };
        var index = new Option<long?>("--index") { Description = "0-based index of the packet in --pcap." };
        var hex = new Option<string>("--hex") { Description = "The packet in hex, from its IP header on." };
        var at = new Option<string>("--at") { Description = "When it was seen: ISO 8601 or Unix seconds (default: its capture time with --pcap, any time with --hex)." };
        var tolerance = new Option<double>("--tolerance") { Description = "Seconds a page may lie from --at (δ).", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json") { Description = "Print {\"seen\", \"matches\": [{\"link\", \"windowStart\", \"windowEnd\", \"falsePositiveRate\"}], \"expired\"}." };
        var command = new Command("query", "Ask digest pages whether a packet was seen. Exit code: 0 seen, 1 not seen or expired, 2 error.")
        {
            digests, pcap, index, hex, at, tolerance, json,
        };
        command.Validators.Add(result =>
        {
            bool byFile = result.GetResult(pcap) is not null, byHex = result.GetResult(hex) is not null;
            if (byFile == byHex)
            {
                result.AddError("give either --pcap FILE --index N or --hex HEX.");
            }
            else if (byFile != (result.GetResult(index) is not null))
            {
                result.AddError("--pcap and --index go together.");
            }
        });
        command.SetAction(parsed =>
        {
            Span<byte> invariant = stackalloc byte[PacketInvariant.MaxLength];
            int length;
            long? timeNs = null;
            if (parsed.GetValue(hex) is { } text)
            {
                length = PacketInvariant.FromIp(ParseHex(text), invariant);
            }
            else
            {
                (length, timeNs) = ReadPacket(parsed.GetValue(pcap)!, parsed.GetValue(index)!.Value, invariant);
            }
            if (length == 0)
            {
                throw new CommandException("the packet is not an IPv4 or IPv6 packet with a whole header");
            }
            if (parsed.GetValue(at) is { } atText)
            {
                timeNs = ParseTime(atText);
            }
            List<DigestPage> pages;
            try
            {
                pages = DigestArchive.Load(parsed.GetValue(digests)!.FullName);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                throw new CommandException(e.Message, e);
            }
            try
            {
                var answer = DigestQuery.Ask(pages, invariant[..length], timeNs, TimeSpan.FromSeconds(parsed.GetValue(tolerance)));
                Print(parsed.InvocationConfiguration.Output, answer, parsed.GetValue(json), pages.Count);
                return answer.Seen ? 0 : 1;
            }
            finally
            {
                pages.ForEach(p => p.Dispose());
            }
        });
        return command;
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
                $"  {(page.Seen ? "yes" : "no "),-3} {page.Link}  {page.WindowStart.UtcDateTime:O} .. {page.WindowEnd.UtcDateTime:O}  false positives {page.FalsePositiveRate:P4}"));
        }
    }

    private static (int Length, long TimeNs) ReadPacket(FileInfo file, long index, Span<byte> invariant)
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
                    return (PacketInvariant.FromFrame(packet.Data, packet.LinkType, invariant), packet.TimestampNs);
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
