namespace InterTrack.Node.Kinds;

/// <summary>
/// The kinds of traceback system a program runs, in the order it registers them (one line each,
/// in the CLI). That order is the order the emulator deploys a scenario's shares in and reports
/// them. The first kind is the default: what a node's <c>btm.system</c> or <c>dtm.system</c>
/// means when left out, and what a scenario's bare share (<c>"bts": 0.5</c>), <c>true</c>, or a
/// deployment left out mean — packet digests, the one system there was before there were kinds.
/// </summary>
public sealed class KindRegistry
{
    /// <summary>
    /// Not a kind: what an AS or a node runs when it runs no system (stubs answer for it). A
    /// scenario's share of it is spelled out only to make its mix add up; no kind may take the name.
    /// </summary>
    public const string None = "none";

    /// <exception cref="ArgumentException">No kind, two of one name, or one named <see cref="None"/>.</exception>
    public KindRegistry(IEnumerable<ITracebackKind> kinds)
    {
        All = [.. kinds];
        if (All.Count == 0)
        {
            throw new ArgumentException("a program runs at least one kind of traceback system", nameof(kinds));
        }
        if (All.Select(k => k.Name).Distinct(StringComparer.Ordinal).Count() != All.Count || All.Any(k => k.Name is None or ""))
        {
            throw new ArgumentException($"kinds need distinct names, and none named \"{None}\": {string.Join(", ", All.Select(k => k.Name))}", nameof(kinds));
        }
    }

    public IReadOnlyList<ITracebackKind> All { get; }

    public ITracebackKind Default => All[0];

    /// <summary>The kinds a node can run, in order.</summary>
    public IReadOnlyList<ITracebackKind> InNodes => [.. All.Where(k => k.Node is not null)];

    /// <summary>The kinds the emulator can model, in order.</summary>
    public IReadOnlyList<ITracebackKind> Emulated => [.. All.Where(k => k.Emulation is not null)];

    /// <summary>The kinds the lab can deploy, in order.</summary>
    public IReadOnlyList<ITracebackKind> InLab => [.. All.Where(k => k.Lab is not null)];

    public ITracebackKind? Named(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>These kinds and one more, registered last.</summary>
    public KindRegistry With(ITracebackKind kind) => new([.. All, kind]);
}
