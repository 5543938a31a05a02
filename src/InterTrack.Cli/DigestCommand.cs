using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using InterTrack.Digest;
using InterTrack.Packets.Capture;

namespace InterTrack.Cli;

/// <summary><c>intertrack digest</c>: digest a capture file into Bloom filter pages.</summary>
internal static class DigestCommand
{
    public static Command Create()
    {
        var pcap = new Option<FileInfo>("--pcap") { Description = "Capture file (pcap or pcapng) to digest.", Required = true };
        pcap.AcceptExistingOnly(); // named at parse time, before any other work: "--pcap: File does not exist"
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the page files (*.itd); created if missing.", Required = true };
        var link = new Option<string>("--link") { Description = "Link name recorded in the pages (default: the capture file's name)." };
        var sizing = new DigestSizingOptions();
        var command = new Command("digest", "Digest every IP packet of a capture file into time-stamped Bloom filter pages (SPIE).")
        {
            pcap, output, link,
        };
        sizing.AddTo(command);
        command.SetAction(parsed =>
        {
            var file = parsed.GetValue(pcap)!;
            if (!file.Exists)
            {
                throw new CommandException($"no such capture file: {file.FullName}");
            }
            var options = sizing.Read(parsed);
            string linkName = parsed.GetValue(link) ?? Path.GetFileNameWithoutExtension(file.Name);
            var clock = Stopwatch.StartNew();
            DigestRun run;
            try
            {
                run = CaptureDigester.Run(file.FullName, parsed.GetValue(output)!.FullName, linkName, options);
            }
            catch (CaptureFormatException e)
            {
                throw new CommandException($"{file.FullName}: {e.Message}", e);
            }
            double seconds = clock.Elapsed.TotalSeconds;
            var o = parsed.InvocationConfiguration.Output;
            o.WriteLine(FormattableString.Invariant($"packets: {run.Packets} ({run.Digested} digested, {run.NotIp} not IP)"));
            o.WriteLine(FormattableString.Invariant($"pages: {run.PageFiles.Count} in {parsed.GetValue(output)!.FullName}"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"table: {options.BitsPerPacket} bits/packet, k={options.Hashes}, {options.PageCapacity} packets/page " +
                $"({options.PageBytes / 1048576.0:F1} MiB), full-page false positives {options.FullPageFalsePositiveRate:P3}"));
            o.WriteLine(FormattableString.Invariant($"time: {seconds:F2} s ({run.Packets / Math.Max(seconds, 1e-9) / 1e6:F2} M packets/s)"));
            if (run.Damage is not null)
            {
                parsed.InvocationConfiguration.Error.WriteLine(
                    $"error: {file.FullName}: {run.Damage.Message}; the {run.Digested} packets before it were digested and saved");
                return IntertrackCommand.ExitError;
            }
            return 0;
        });
        return command;
    }
}
