using System.Text.Json;
using InterTrack.Node.Daemon;

namespace InterTrack.Node.Kinds;

/// <summary>A kind of traceback system as a node runs it: its section of the node configuration and the system behind the BTM and DTM.</summary>
public interface INodeKind
{
    /// <summary>The top-level section of the node configuration this kind reads (digests: <c>capture</c>, the node's own capture agent), or null.</summary>
    string? Section { get; }

    /// <summary>Whether the section alone makes the node do something (an agent gathering evidence), rather than only settings its BTM or DTM use.</summary>
    bool SectionIsRole { get; }

    /// <summary>
    /// Reads the section: binds it (<see cref="JsonFile.Bind"/>), resolves its paths against the configuration's
    /// directory and checks its values.
    /// </summary>
    /// <returns>What the kind's system reads back with <see cref="NodeConfig.Section{T}"/>.</returns>
    /// <exception cref="ConfigException">A field is wrong; the message names it ("capture.interfaces: is empty").</exception>
    object BindSection(JsonElement section, string baseDirectory);

    /// <summary>Checks that a BTM or DTM of this kind (not a stub) will find its evidence as the node is configured.</summary>
    /// <param name="role">"btm" or "dtm", to name the fields.</param>
    /// <exception cref="ConfigException">It will not; the message names the field.</exception>
    void CheckRole(NodeConfig config, SystemRoleConfig settings, string role);

    /// <summary>A fresh system of this kind for one node; the node host starts and owns it.</summary>
    ITracebackSystem CreateSystem();
}
