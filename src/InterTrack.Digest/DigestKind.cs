using System.Text.Json;
using InterTrack.Node;
using InterTrack.Node.Daemon;
using InterTrack.Node.Kinds;

namespace InterTrack.Digest;

/// <summary>
/// Packet digests (SPIE) as a kind of traceback system: a node runs them from its own capture
/// agent (<c>capture</c>) or a page directory (<c>digests</c> of its BTM or DTM); in the emulator
/// every router digests its ingress links (<see cref="EmulatedDigests"/>); in the lab <c>intertrack capture</c> runs on
/// every router (<see cref="DigestLab"/>).
/// </summary>
public sealed class DigestKind : ITracebackKind, INodeKind, IEmulatedKind
{
    /// <summary>The kind's name, in configurations, scenarios and replies.</summary>
    public const string KindName = "digest";

    public string Name => KindName;
    public INodeKind Node => this;
    public IEmulatedKind Emulation => this;
    public ILabKind Lab { get; } = new DigestLab();

    /// <summary>The node configuration's section of its capture agent.</summary>
    public const string CaptureSection = "capture";

    public string Section => CaptureSection;
    public bool SectionIsRole => true;

    public object BindSection(JsonElement section, string baseDirectory)
    {
        var capture = JsonFile.Bind<CaptureConfig>(section, Section);
        capture = capture with { Out = NodeConfig.Full(baseDirectory, capture.Out) };
        NodeConfig.Require(capture.Interfaces.Count > 0, "capture.interfaces", "is empty");
        NodeConfig.Require(capture.Out.Length > 0, "capture.out", "is empty");
        NodeConfig.Require(DigestSchemes.TryParse(capture.Hash, out _), "capture.hash", $"'{capture.Hash}' is not \"xxh3\" or \"packter-md5\"");
        return capture;
    }

    public void CheckRole(NodeConfig config, SystemRoleConfig settings, string role)
    {
        bool captures = config.Section<CaptureConfig>(Section) is not null;
        NodeConfig.Require(settings.Digests is not null || captures, $"{role}.digests",
            "a digest BTM or DTM needs a digest directory, a capture in the same node, or \"stub\": true");
        NodeConfig.Require(captures || Directory.Exists(settings.Digests), $"{role}.digests", $"no such directory {settings.Digests}");
    }

    public ITracebackSystem CreateSystem() => new DigestSystem();

    /// <summary>Reads <c>deployment.hash</c> and the overrides' <c>hash</c>: what the ASes' tables are keyed by.</summary>
    public IEmulationModel Model(ScenarioSettings settings)
    {
        string hash = settings.Get("hash", DigestScheme.Xxh3.Name());
        if (!DigestSchemes.TryParse(hash, out var scheme))
        {
            throw new FormatException("deployment.hash: must be \"xxh3\" or \"packter-md5\"");
        }
        var schemes = new Dictionary<uint, DigestScheme>();
        foreach (var (asNumber, text) in settings.PerAs<string>("hash"))
        {
            schemes[asNumber] = DigestSchemes.TryParse(text, out var s) ? s
                : throw new FormatException($"deployment.overrides.{asNumber}.hash: must be \"xxh3\" or \"packter-md5\"");
        }
        return new EmulatedDigests.Model(scheme, schemes);
    }
}
