using System.CommandLine;
using InterTrack.Node.Daemon;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InterTrack.Cli;

/// <summary>
/// <c>intertrack run --config FILE</c>: hosts the roles of one AS on the .NET Generic Host until
/// Ctrl+C or SIGTERM, then stops gracefully (docs/deploy.md).
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The node's JSON configuration (see docs/configuration.md).", Required = true };
        var logFormat = new Option<string>("--log-format") { Description = "Log lines as text or json.", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var command = new Command("run", "Run the InterTrack roles of one AS (itm, dp, btm, dtm, capture, collector, rid, web) from a configuration file.")
        {
            config, logFormat,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            NodeConfig node;
            try
            {
                node = NodeConfig.Load(parsed.GetValue(config)!.FullName, TracebackKinds.All);
            }
            catch (ConfigException e)
            {
                throw new CommandException($"bad configuration: {e.Message}", e);
            }
            using var loggers = Logging.Console(parsed.GetValue(logFormat)!);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders(); // the node logs through its own loggers
            // Ctrl+C and SIGTERM reach us as the command's cancellation, which stops the host: no second signal handler.
            builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
            // Within the 30 s the command line gives a stopping command (grace is at most 20 s).
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(node.ShutdownGraceSeconds + 8));
            builder.Services.AddHostedService(_ => new NodeService(node, loggers, parsed.InvocationConfiguration.Output));
            using var host = builder.Build();
            await host.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>The host's lifetime when the command line owns the signals.</summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
