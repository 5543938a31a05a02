using InterTrack.Node.Tracing;
using Microsoft.Extensions.Logging;

namespace InterTrack.Node.Daemon;

/// <summary>
/// One kind of traceback system as a node runs it behind its BTM and DTM (packet digests, flow
/// records, …): its kind (<see cref="Kinds.INodeKind.CreateSystem"/>) makes one instance per
/// node, and <see cref="NodeHost"/> starts and owns it.
/// </summary>
public interface ITracebackSystem : IAsyncDisposable
{
    /// <summary>
    /// Starts the agent that gathers this system's evidence inside the node when the configuration
    /// has one (its kind's section: digests' <c>capture</c>, flows' <c>collector</c>); otherwise does nothing.
    /// Disposing the system stops it and saves what it gathered.
    /// </summary>
    /// <exception cref="ConfigException">The agent cannot start as configured (the message names the field).</exception>
    void Start(NodeConfig config, ILoggerFactory loggers);

    /// <summary>
    /// What a BTM or DTM of this node configured as <paramref name="role"/> looks packets up in: the node's own agent
    /// when it runs one, else the store the role names.
    /// </summary>
    /// <exception cref="ConfigException">Neither is there.</exception>
    ILinkEvidence Evidence(SystemRoleConfig role);
}
