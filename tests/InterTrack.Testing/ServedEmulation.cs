using InterTrack.Cli;
using InterTrack.Emulation;
using InterTrack.Packets.Capture;

namespace InterTrack.Testing;

/// <summary>A served emulation as <c>intertrack emulate --serve</c> composes it, in a directory of its own; stopped and removed on dispose.</summary>
internal sealed class ServedEmulation(EmulationServer server, string directory) : IAsyncDisposable
{
    public ServedEndpoints Endpoints => server.Endpoints;

    /// <summary>A 150-AS Internet on TLS, <paramref name="attackers"/> attacker ASes sending 10 packets each.</summary>
    public static Scenario Scenario(int seed, int attackers) => new()
    {
        Seed = seed,
        Topology = new TopologySpec { Generate = new GenerateSpec { Ases = 150 } },
        Attackers = [new AttackerSpec { Count = attackers }],
        PacketsPerAttacker = 10,
        Transport = "tls",
    };

    public static Task<ServedEmulation> StartAsync(int attackers) => StartAsync(Scenario(21, attackers), directory => new ServeOptions(directory));

    /// <param name="options">The options, given the directory the files go to.</param>
    public static async Task<ServedEmulation> StartAsync(Scenario scenario, Func<string, ServeOptions> options)
    {
        string directory = Directory.CreateTempSubdirectory("intertrack-served-").FullName;
        try
        {
            var server = await EmulationServer.StartAsync(scenario, options(directory), _ => { },
                Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).WaitAsync(TimeSpan.FromMinutes(2));
            return new ServedEmulation(server, directory);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>The IP packets the victim received and when, read from the pcap it served.</summary>
    public List<(byte[] Ip, long Ns)> Packets()
    {
        var packets = new List<(byte[], long)>();
        using var reader = CaptureReader.Open(Endpoints.Pcap);
        while (reader.TryRead(out var packet))
        {
            packets.Add((packet.Data[IpLocator.FindIp(packet.Data, packet.LinkType)..].ToArray(), packet.TimestampNs));
        }
        return packets;
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
