using System.CommandLine;
using InterTrack.Daemon;
using Microsoft.Extensions.Logging;

namespace InterTrack.Cli;

/// <summary><c>intertrack run --config FILE</c>: hosts the roles of one AS until Ctrl+C or SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The node's JSON configuration (see docs/configuration.md).", Required = true };
        var logFormat = new Option<string>("--log-format") { Description = "Log lines as text or json.", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var command = new Command("run", "Run the InterTrack roles of one AS (itm, dp, btm, capture) from a configuration file.")
        {
            config, logFormat,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            NodeConfig node;
            try
            {
                node = NodeConfig.Load(parsed.GetValue(config)!.FullName);
            }
            catch (ConfigException e)
            {
                throw new CommandException($"bad configuration: {e.Message}", e);
            }
            using var loggers = Logging.Console(parsed.GetValue(logFormat)!);
            NodeHost host;
            try
            {
                host = NodeHost.Start(node, TracebackSystems.ForNode(), loggers);
            }
            catch (ConfigException e)
            {
                throw new CommandException($"bad configuration: {e.Message}", e);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or SharpPcap.PcapException or ArgumentException)
            {
                throw new CommandException($"cannot start: {e.Message}", e);
            }
            await using (host)
            {
                var output = parsed.InvocationConfiguration.Output;
                foreach (var (role, endpoint) in host.Listening)
                {
                    output.WriteLine($"{role}: listening on {endpoint}");
                }
                output.WriteLine($"AS{node.As} running; Ctrl+C or SIGTERM stops");
                output.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    output.WriteLine("stopping");
                }
            }
            return 0;
        });
        return command;
    }
}
