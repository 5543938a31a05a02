using System.CommandLine;
using InterTrack.Digest;
using InterTrack.Packets.Capture;
using SharpPcap;

namespace InterTrack.Cli;

/// <summary><c>intertrack capture</c>: a live digest agent on one or more interfaces.</summary>
internal static class CaptureCommand
{
    public static Command Create()
    {
        var interfaces = new Option<string[]>("--interface") { Description = "Interface to capture (repeat for several). Needs root or CAP_NET_RAW.",
            Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the page files; each page is written when sealed.", Required = true };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: until Ctrl+C or SIGTERM)." };
        var sizing = new DigestSizingOptions();
        var command = new Command("capture",
            "Digest live traffic: one table per interface and direction (IF:in, IF:out). Ctrl+C or SIGTERM seals and saves the pages, then exits.")
        {
            interfaces, output, duration,
        };
        sizing.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var options = sizing.Read(parsed);
            var o = parsed.InvocationConfiguration.Output;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parsed.GetValue(duration) is { } seconds)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            }
            LiveDigestAgent agent;
            try
            {
                agent = new LiveDigestAgent(parsed.GetValue(interfaces)!, options, parsed.GetValue(output)!.FullName);
                agent.Open();
            }
            catch (UnknownInterfaceException e)
            {
                throw new CommandException($"--interface {e.Message}", e);
            }
            catch (Exception e) when (e is ArgumentException or PcapException or DllNotFoundException)
            {
                throw new CommandException($"cannot capture: {e.Message}", e);
            }
            using (agent)
            {
                o.WriteLine($"capturing on {string.Join(", ", parsed.GetValue(interfaces)!)}; pages go to {parsed.GetValue(output)!.FullName}");
                o.Flush();
                try
                {
                    await agent.RunAsync(stop.Token);
                }
                catch (PcapException e)
                {
                    throw new CommandException($"capture failed: {e.Message}", e);
                }
                foreach (var c in agent.Counters())
                {
                    o.WriteLine($"{c.Interface}: {c.Frames} frames, {c.Digested} digested; kernel received {c.KernelReceived}, dropped {c.KernelDropped}, " +
                        $"interface dropped {c.InterfaceDropped}");
                }
            }
            return 0;
        });
        return command;
    }
}
