using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Client;

/// <summary>
/// One AS of a trace result, as a client shows it; <paramref name="TsType"/> is the kind of system that answered for it
/// (its name, or "stub").
/// </summary>
public sealed record AsView(uint As, uint Depth, AsStatus Status, TraceState State, uint Degree, IReadOnlyList<uint> Incomings, string? Error,
    string? TsType = null)
{
    /// <summary>Why the AS was skipped over or is the frontier: it runs no InterTrack (null for ASes that answered).</summary>
    public string? Skipped { get; init; }

    /// <summary>For a frontier AS that runs nothing: the candidate origin ASes behind it, likeliest first (at most 50 listed) …</summary>
    public IReadOnlyList<uint> Candidates { get; init; } = [];

    /// <summary>… and how many there are in all …</summary>
    public int CandidateCount { get; init; }

    /// <summary>… and why these (null when the ITM did not say).</summary>
    public string? CandidateReason { get; init; }

    /// <summary>For an amplifier: its reflectors that sent the traced answers, as ADDRESS:PORT (at most 16 listed) …</summary>
    public IReadOnlyList<string> Reflectors { get; init; } = [];

    /// <summary>… their services (dns, ntp, …) …</summary>
    public IReadOnlyList<string> ReflectionServices { get; init; } = [];

    /// <summary>… and, when the requests of some answers were not found, how many and why (null when all were found).</summary>
    public string? ReflectionUnmatched { get; init; }

    /// <summary>What an amplifier's line says after its status: reflectors, services and any requests not found; null for other ASes.</summary>
    public string? AmplifierNote => Status != AsStatus.Amplifier ? null
        : string.Join(" ", new[] { Reflectors.Count > 1 ? "reflectors" : "reflector", string.Join(", ", Reflectors), string.Join(", ", ReflectionServices) }
            .Where(t => t.Length > 0)) + (ReflectionUnmatched is null ? "" : $"; requests not found: {ReflectionUnmatched}");
}

/// <summary>
/// A trace result as the attack tree rooted at the victim AS: the ASes, the origin ASes (status
/// Source) and the AS path from the victim to each origin (following each AS's incoming
/// neighbours one hop further from the victim). Reflected answers reach the origins through an
/// amplifier (status Amplifier, <see cref="ReflectorAses"/>), which is on those paths but no origin.
/// </summary>
/// <param name="RouterPaths">Per AS that disclosed them (its own D Point's AS, or neighbours exporting "all"), the
/// routers its DTM reached, border first.</param>
public sealed record TraceResultView(MessageId MessageId, IReadOnlyList<AsView> Ases, IReadOnlyList<uint> OriginAses,
    IReadOnlyList<IReadOnlyList<uint>> AsPaths, IReadOnlyDictionary<uint, IReadOnlyList<SubAgent>> RouterPaths)
{
    private static string? Option(AsEntry entry, string type) => entry.Options.FirstOrDefault(o => o.Type == type)?.Value;

    private static string[] List(AsEntry entry, string type) => (Option(entry, type) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The ASes that reflected the traced packets (status Amplifier): the origins behind them forged the requests.</summary>
    public IReadOnlyList<uint> ReflectorAses => [.. Ases.Where(a => a.Status == AsStatus.Amplifier).Select(a => a.As).Distinct()];

    /// <summary>The path from the victim's AS down to an AS of the tree, as <see cref="WriteTree"/> draws it.</summary>
    public IReadOnlyList<uint> PathTo(uint asNumber) => new AttackTreeLinks(Ases).PathTo(asNumber);

    public static TraceResultView From(MessageId id, ResultExport export)
    {
        var reply = export switch
        {
            AllResultExport e => e.Reply,
            InterAsResultExport e => e.Reply,
            _ => null,
        };
        var ases = (reply?.Result.Ases ?? []).Where(e => e.NodeId is ItmNodeId)
            .Select(e => new AsView(((ItmNodeId)e.NodeId).Itm.AsNumber, e.Depth, e.Status, e.State, e.Degree,
                [.. (e.Incomings ?? []).Select(n => n.AsNumber)], e.Error?.Message, e.TsType)
            {
                Skipped = Option(e, "skipped"),
                Candidates = [.. (Option(e, "candidate-origins") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(t => uint.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out uint n) ? n : 0).Where(n => n > 0)],
                CandidateCount = int.TryParse(Option(e, "candidate-count"), System.Globalization.CultureInfo.InvariantCulture, out int count) ? count : 0,
                CandidateReason = Option(e, "candidate-reason"),
                Reflectors = List(e, ReflectionAnswer.ReflectorOption),
                ReflectionServices = List(e, ReflectionAnswer.ServiceOption),
                ReflectionUnmatched = Option(e, ReflectionAnswer.UnmatchedOption),
            })
            .ToList();
        var links = new AttackTreeLinks(ases);
        var origins = ases.Where(a => a.Status == AsStatus.Source).Select(a => a.As).Distinct().ToList();
        var paths = origins.Select(links.PathTo).ToList();
        var routers = export switch
        {
            AllResultExport e => e.DtmReplies,
            IntraAsResultExport e => e.DtmReplies,
            _ => [],
        };
        var routerPaths = routers
            .Where(d => d.Source.NodeId is ItmNodeId && d.Result.Error is null)
            .GroupBy(d => ((ItmNodeId)d.Source.NodeId).Itm.AsNumber)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<SubAgent>)[.. g.SelectMany(d => d.Result.SubDomains).SelectMany(s => s.Agent?.SubAgents
            ?? []).OrderBy(a => a.Depth)]);
        return new TraceResultView(id, ases, origins, paths, routerPaths);
    }

    /// <summary>
    /// The ASes as an attack tree to draw (<see cref="AttackTreePicture"/>): each under the AS it was traced from,
    /// named by the system that answered.
    /// </summary>
    public IReadOnlyList<TreeAs> TreeAses()
    {
        var links = new AttackTreeLinks(Ases);
        return [.. Ases.GroupBy(a => a.As).Select(g => g.First()).Select(a => new TreeAs(a.As, links.TryGetParent(a.As, out uint p) ? p : null,
            a.Status switch
            {
                AsStatus.Destination => AsKind.Victim,
                AsStatus.Source => AsKind.SourceTraced,
                AsStatus.Amplifier => AsKind.Amplifier,
                AsStatus.Transit => AsKind.Transit,
                _ when a.State == TraceState.Error || a.Skipped is not null => AsKind.Unresolved,
                _ => AsKind.Transit,
            }, a.Status == AsStatus.Amplifier ? AmplifierLabel(a) : a.TsType) { Detail = a.AmplifierNote })];
    }

    /// <summary>An amplifier's label in the picture: its system and services, and whether its trace ended there.</summary>
    private static string AmplifierLabel(AsView a) =>
        string.Join(" ", new[] { a.TsType, a.ReflectionServices.Count == 0 ? null : string.Join(",", a.ReflectionServices), "reflector",
            a.ReflectionUnmatched is null ? null : "(requests not found)" }.Where(t => t is not null));

    /// <summary>
    /// The tree, one AS a line, each AS indented under the AS it was traced from. An AS reached along two branches (a neighbour
    /// and a chain of gaps crossed by skip-over) is drawn once; under the other it is named with where it is drawn.
    /// </summary>
    public void WriteTree(TextWriter output)
    {
        var links = new AttackTreeLinks(Ases);
        var ases = Ases.GroupBy(a => a.As).Select(g => g.First()).ToList();
        var children = ases.ToDictionary(a => a.As, _ => new List<AsView>());
        foreach (var a in ases)
        {
            if (links.TryGetParent(a.As, out uint parent))
            {
                children[parent].Add(a);
            }
        }
        foreach (var root in ases.Where(a => !links.TryGetParent(a.As, out _)).OrderBy(r => r.Depth).ThenBy(r => r.As))
        {
            Write(output, root, children, links, "", true, isRoot: true);
        }
    }

    private void Write(TextWriter output, AsView view, Dictionary<uint, List<AsView>> children, AttackTreeLinks links, string indent, bool last,
        bool isRoot)
    {
        string branch = isRoot ? "" : last ? "└─ " : "├─ ";
        string error = view.Error is null ? "" : $" ({view.Error})";
        string system = view.TsType is null ? "" : $"  {view.TsType}";
        if (view.Skipped is not null)
        {
            system += view.CandidateCount > 0
                ? $"  {view.Skipped}; {view.CandidateCount} candidate origin {(view.CandidateCount == 1 ? "AS" : "ASes")}: " +
                $"{string.Join(", ", view.Candidates.Take(10).Select(a => $"AS{a}"))}{(view.CandidateCount > 10 ? ", …" : "")}" +
                (view.CandidateReason is null ? "" : $" ({view.CandidateReason})")
                : $"  skipped: {view.Skipped}";
        }
        if (view.AmplifierNote is { } amplifier)
        {
            system += $"  {amplifier}";
        }
        output.WriteLine($"{indent}{branch}AS{view.As}  {view.Status}  depth {view.Depth}  degree {view.Degree}{system}{error}");
        string childIndent = isRoot ? indent : indent + (last ? "   " : "│  ");
        if (view.Status == AsStatus.Source && RouterPaths.TryGetValue(view.As, out var routers) && routers.Count > 0)
        {
            var firstHop = routers.FirstOrDefault(r => r.Suspected is not null);
            output.WriteLine($"{childIndent}   routers: {string.Join(" <- ", routers.Select(r => Name(r.NodeId)))}" +
                (firstHop is null ? "" : $"; first hop of the source: {Name(firstHop.NodeId)} via {firstHop.Suspected!.LearnedInterface}"));
        }
        var next = children[view.As].Select(c => (c.As, View: (AsView?)c, Under: 0u))
            .Concat(links.DrawnElsewhere(view.As).Select(e => (e.As, View: (AsView?)null, Under: e.DrawnUnder))).OrderBy(c => c.As).ToList();
        for (int i = 0; i < next.Count; i++)
        {
            bool lastChild = i == next.Count - 1;
            if (next[i].View is { } child)
            {
                Write(output, child, children, links, childIndent, lastChild, isRoot: false);
            }
            else
            {
                output.WriteLine($"{childIndent}{(lastChild ? "└─ " : "├─ ")}AS{next[i].As}  also reached here: see under AS{next[i].Under}");
            }
        }
    }

    /// <summary>A node as people read it: a router's name or address, an ITM as its AS.</summary>
    public static string Name(NodeId id) => id switch
    {
        OtherNodeId o => o.Text,
        FqdnNodeId f => f.Fqdn,
        IpNodeId ip => ip.Ip.Address,
        ItmNodeId itm => $"AS{itm.Itm.AsNumber}",
        _ => id.ToString(),
    };
}
