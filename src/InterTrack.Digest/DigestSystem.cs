using InterTrack.Node.Daemon;
using InterTrack.Node.Tracing;
using Microsoft.Extensions.Logging;

namespace InterTrack.Digest;

/// <summary>
/// Packet digests as a node's traceback system: the node's own live capture agent
/// (<c>capture</c> in the configuration) when it runs one, or the page directory other agents write.
/// </summary>
internal sealed class DigestSystem : ITracebackSystem
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IDisposable> _owned = [];
    private LiveDigestAgent? _agent;
    private Task _capture = Task.CompletedTask;

    public void Start(NodeConfig config, ILoggerFactory loggers)
    {
        if (config.Section<CaptureConfig>(DigestKind.CaptureSection) is not { } capture)
        {
            return;
        }
        try
        {
            if (!DigestSchemes.TryParse(capture.Hash, out var scheme))
            {
                throw new ConfigException($"capture.hash: '{capture.Hash}' is not \"xxh3\" or \"packter-md5\"");
            }
            _agent = new LiveDigestAgent(capture.Interfaces, new DigestOptions { Scheme = scheme }, capture.Out, loggers.CreateLogger("capture"));
            _owned.Add(_agent);
            _agent.Open();
        }
        catch (Exception e) when (e is ArgumentException or SharpPcap.PcapException or DllNotFoundException)
        {
            throw new ConfigException($"capture.interfaces: {e.Message}", e);
        }
        var agent = _agent;
        _capture = Task.Run(() => agent.RunAsync(_stopping.Token));
    }

    public ILinkEvidence Evidence(SystemRoleConfig role)
    {
        string? directory = role.Digests;
        if (_agent is not null)
        {
            return new DigestEvidence(_agent);
        }
        if (directory is null || !Directory.Exists(directory))
        {
            throw new ConfigException($"digests: no such directory {directory}");
        }
        var archive = new DigestArchiveSource(directory, TimeSpan.FromSeconds(1));
        _owned.Add(archive);
        return new DigestEvidence(archive);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _capture.ConfigureAwait(false); // seals and saves the capture's pages
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
        _stopping.Dispose();
    }
}
