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
            await using (var rid = await StartRidAsync(node, loggers))
            {
                var output = parsed.InvocationConfiguration.Output;
                foreach (var (role, endpoint) in host.Listening)
                {
                    output.WriteLine($"{role}: listening on {endpoint}");
                }
                if (rid is not null)
                {
                    output.WriteLine($"rid: listening on https://{rid.LocalEndPoint}/");
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

    /// <summary>The RID gateway when the configuration has one: served with the AS's dp certificate, asking the D Point as its tc.</summary>
    private static async Task<Rid.RidGateway?> StartRidAsync(NodeConfig node, ILoggerFactory loggers)
    {
        if (node.Rid is not { } config)
        {
            return null;
        }
        try
        {
            if (!Transport.HostPort.TryParse(config.Dp, out string host, out int port))
            {
                throw new ConfigException($"rid.dp: '{config.Dp}' is not HOST:PORT");
            }
            var options = new Rid.RidGatewayOptions(Transport.HostPort.ToEndPoint(config.Listen), (host, port),
                TimeSpan.FromSeconds(config.PatienceSeconds), TimeSpan.FromSeconds(config.TraceWaitSeconds),
                config.Callbacks.ToDictionary(c => uint.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture), c => new Uri(c.Value)));
            var gateway = new Rid.RidGateway(options, NodeHost.LoadCredentials(node, Protocol.Model.NodeRole.DPoint),
                NodeHost.LoadCredentials(node, Protocol.Model.NodeRole.Client), loggers);
            await gateway.StartAsync();
            return gateway;
        }
        catch (ConfigException e)
        {
            throw new CommandException($"bad configuration: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new CommandException($"cannot start: rid.listen {config.Listen}: {e.Message}", e);
        }
    }
}
