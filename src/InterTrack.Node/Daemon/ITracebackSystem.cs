using InterTrack.Tracing;
using Microsoft.Extensions.Logging;

namespace InterTrack.Daemon;

/// <summary>
/// One kind of traceback system a node can run behind its BTM and DTM (packet digests, flow
/// records, …). Each kind lives in its own assembly and is handed to <see cref="NodeHost"/> by
/// the program, so the node knows the kinds only by name (<c>btm.system</c>, <c>dtm.system</c>).
/// One instance serves one node.
/// </summary>
public interface ITracebackSystem : IAsyncDisposable
{
    /// <summary>The name configurations use: "digest", "flow".</summary>
    string Name { get; }

    /// <summary>
    /// Starts the agent that gathers this system's evidence inside the node when the configuration
    /// names one (digest: <c>capture</c>; flow: <c>collector</c>); otherwise does nothing.
    /// Disposing the system stops it and saves what it gathered.
    /// </summary>
    /// <exception cref="ConfigException">The agent cannot start as configured (the message names the field).</exception>
    void Start(NodeConfig config, ILoggerFactory loggers);

    /// <summary>What a BTM or DTM of this node looks packets up in: the node's own agent when it runs one, else the store in <paramref name="directory"/>.</summary>
    /// <exception cref="ConfigException">Neither is there.</exception>
    ILinkEvidence Evidence(string? directory);
}
