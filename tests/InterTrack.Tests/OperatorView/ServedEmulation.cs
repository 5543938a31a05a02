using InterTrack.Emulation;
using InterTrack.Tests.Kinds;

namespace InterTrack.Tests.OperatorView;

/// <summary>A served emulation (as <c>intertrack emulate --serve</c> runs it) with its operator page and metrics endpoint, stopped on dispose.</summary>
internal sealed class ServedEmulation(Task serving, ServedEndpoints endpoints, CancellationTokenSource stop, string directory) : IAsyncDisposable
{
    public ServedEndpoints Endpoints => endpoints;

    public static async Task<ServedEmulation> StartAsync(int attackers)
    {
        var scenario = new Scenario
        {
            Seed = 21,
            Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 150 } },
            Attackers = [new AttackerSpec { Count = attackers }],
            PacketsPerAttacker = 10,
            Transport = "tls",
        };
        var ready = new TaskCompletionSource<ServedEndpoints>(TaskCreationOptions.RunContinuationsAsynchronously);
        string directory = Directory.CreateTempSubdirectory("intertrack-served-").FullName;
        var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var serving = EmulationServer.ServeAsync(scenario, TestKinds.Installed, directory, null, _ => { }, e => ready.TrySetResult(e), stop.Token);
        await Task.WhenAny(ready.Task, serving).WaitAsync(TimeSpan.FromMinutes(2));
        if (!ready.Task.IsCompleted)
        {
            await serving; // throws what stopped it
        }
        return new ServedEmulation(serving, await ready.Task, stop, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await serving;
        stop.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
