using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using InterTrack.Flow;
using InterTrack.Flow.Store;
using InterTrack.Node.Transport;
using InterTrack.Packets.Capture;

namespace InterTrack.Cli;

/// <summary><c>intertrack flows</c>: the flow collector (IPFIX, NetFlow v9), live or from a capture of exports.</summary>
internal static class FlowsCommand
{
    private const int MaxDurationSeconds = 30 * 24 * 3600;

    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "Receive IPFIX and NetFlow v9 over UDP on IP:PORT (IPFIX's port is " +
            "4739; 0 picks a free port)." };
        var tcp = new Option<string>("--tcp") { Description = "Also accept IPFIX over TCP on IP:PORT." };
        var read = new Option<FileInfo>("--read") { Description = "Import the export datagrams captured in a pcap or pcapng file instead of listening." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Flow store directory; created if missing, added to if not.", Required = true };
        var duration = new Option<double?>("--duration") { Description = "With --listen: stop after this many seconds (default: until Ctrl+C or SIGTERM)." };
        var command = new Command("flows",
            "Collect flow records (IPFIX over UDP or TCP, NetFlow v9 over UDP) into a flow store that 'query --flows' and a flow BTM or DTM read. " +
            "Bad exports are counted and logged once per exporter and reason; what was lost (sequence gaps, the kernel's drops) is logged " +
            "every 10 s. Ctrl+C or SIGTERM seals the store, prints the counters per exporter and exits.")
        {
            listen, tcp, read, output, duration,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(listen) is null) == (result.GetResult(read) is null))
            {
                result.AddError("give either --listen IP:PORT or --read FILE.");
            }
            else if (result.GetResult(tcp) is not null && result.GetResult(listen) is null)
            {
                result.AddError("--tcp goes with --listen.");
            }
            else if (result.GetResult(duration) is not null && result.GetResult(listen) is null)
            {
                result.AddError("--duration goes with --listen: --read stops at the end of the file.");
            }
            else if (result.GetValue(duration) is { } seconds && seconds is not (> 0 and <= MaxDurationSeconds))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"--duration must be more than 0 and at most {MaxDurationSeconds} seconds (30 days); leave it out to run until Ctrl+C or SIGTERM."));
            }
        });
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var udpAt = Endpoint(parsed.GetValue(listen), "--listen");
            var tcpAt = Endpoint(parsed.GetValue(tcp), "--tcp");
            var file = parsed.GetValue(read);
            if (file is not null && !file.Exists)
            {
                throw new CommandException($"--read: no such file {file.FullName}");
            }
            string directory = parsed.GetValue(output)!.FullName;
            if (File.Exists(directory))
            {
                throw new CommandException($"--out: {directory} is a file; give a directory for the flow store");
            }
            bool existed = Directory.Exists(directory);
            FlowStore store;
            try
            {
                store = FlowStore.OpenWriter(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new CommandException($"--out: cannot keep a flow store in {directory}: {e.Message}", e);
            }
            try
            {
                return await CollectAsync(parsed, store, directory, file, udpAt, tcpAt, duration, cancellationToken);
            }
            catch (CommandException) when (!existed)
            {
                if (!Directory.EnumerateFileSystemEntries(directory).Any())
                {
                    Directory.Delete(directory); // a run that failed before storing anything leaves no trace
                }
                throw;
            }
        });
        return command;
    }

    private static async Task<int> CollectAsync(ParseResult parsed, FlowStore store, string directory, FileInfo? file, IPEndPoint? udpAt,
        IPEndPoint? tcpAt, Option<double?> duration, CancellationToken cancellationToken)
    {
        var o = parsed.InvocationConfiguration.Output;
        using (store)
        {
            using var loggers = Logging.Console();
            await using var collector = new FlowCollector(store, logger: loggers.CreateLogger("collector"));
            if (file is not null)
            {
                ExportImport run;
                try
                {
                    run = ExportCaptureReader.Import(file.FullName, collector);
                }
                catch (Exception e) when (e is CaptureFormatException or IOException)
                {
                    throw new CommandException($"{file.FullName}: {e.Message}", e);
                }
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"frames: {run.Frames}, export datagrams: {run.ExportDatagrams}, records stored: " +
                    $"{run.Records} in {directory}"));
                collector.Finish();
                PrintExporters(o, collector);
                if (run.Damage is { } damage)
                {
                    parsed.InvocationConfiguration.Error.WriteLine($"error: {file.FullName}: {damage.Message}; the {run.Records} " +
                        "records before it were stored");
                    return IntertrackCommand.ExitError;
                }
                return 0;
            }
            try
            {
                o.WriteLine($"udp: {collector.ListenUdp(udpAt!, "--listen")}");
            }
            catch (SocketException e)
            {
                throw new CommandException($"--listen: cannot listen on UDP {udpAt}: {e.Message}", e);
            }
            if (tcpAt is not null)
            {
                try
                {
                    o.WriteLine($"tcp: {collector.ListenTcp(tcpAt)}");
                }
                catch (SocketException e)
                {
                    throw new CommandException($"--tcp: cannot listen on TCP {tcpAt}: {e.Message}", e);
                }
            }
            o.WriteLine($"storing flow records in {directory}");
            o.Flush();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parsed.GetValue(duration) is { } seconds)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            }
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // asked to stop
            }
            await collector.StopAsync(); // what was received is stored before the counters are printed
            collector.Finish();
            PrintExporters(o, collector);
        }
        return 0;
    }

    private static IPEndPoint? Endpoint(string? text, string option) =>
        text is null ? null : HostPort.TryParseEndPoint(text, out var endpoint) ? endpoint
            : throw new CommandException($"{option}: '{text}' is not IP:PORT (an address of this host, or localhost)");

    private static void PrintExporters(TextWriter o, FlowCollector collector)
    {
        if (collector.Exporters.Count == 0 && collector.KernelDrops.Count == 0)
        {
            o.WriteLine("no exporter sent anything");
        }
        foreach (var (exporter, c) in collector.Exporters.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal))
        {
            var problems = string.Join(", ", c.Problems.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value}")));
            var lost = c.DescribeLost() is { } gaps ? $"; lost {gaps} (sequence gaps)" : "";
            var failed = c.Failed > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {c.Failed} messages failed to store") : "";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exporter {exporter}: {c.Messages} messages, {c.Records} records" +
                $"{(problems.Length > 0 ? "; " + problems : "")}{lost}{failed}"));
        }
        foreach (var (socket, drops) in collector.KernelDrops)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"udp {socket}: {drops} datagrams dropped by the kernel (receive buffer full)"));
        }
    }
}
