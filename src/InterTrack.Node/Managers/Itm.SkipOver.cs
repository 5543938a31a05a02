using System.Globalization;
using InterTrack.Node.Topology;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Managers;

/// <summary>
/// Skip-over (docs/protocol.md): when the AS the flow came in from runs no InterTrack — no ITM
/// endpoint known, the connection refused, or an ITM that cannot trace (Unknown) — the trace does
/// not stop there. The public AS graph says who could have handed the flow to that gap; the
/// directory says which of them run an ITM. Those are asked directly, each with the number of ASes
/// skipped (Option "skipped"), TTL, path list and loop rules as for a neighbour. The gaps are
/// reported as Transit, state "reached", Option "skipped", with a confidence of the found AS's
/// degree less 10 % per skipped AS; when nobody behind a gap saw the flow, the gap is the frontier
/// and its entry lists the candidate origin ASes (Options "candidate-origins", nearest first, and
/// "candidate-count").
/// </summary>
public sealed partial class Itm
{
    internal const string SkippedOption = "skipped", CandidatesOption = "candidate-origins", CandidateCountOption = "candidate-count";
    private const int ListedCandidates = 50;

    /// <summary>The depth of this AS in a request from another ITM: one beyond the sender's, plus the ASes it skipped.</summary>
    private static uint DepthOf(ItmTraceRequest request)
    {
        uint sender = request.PathList.NextHops.Count > 0 ? request.PathList.NextHops[^1].Depth : 0;
        uint skipped = request.Options.FirstOrDefault(o => o.Type == SkippedOption) is { } option
            && uint.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out uint n) ? Math.Min(n, 64) : 0;
        return Math.Min(sender + 1 + skipped, 64);
    }

    /// <summary>Asks the upstream neighbour; when it runs no InterTrack, skips over it (or names the candidates behind it).</summary>
    private async Task<(IReadOnlyList<AsEntry> Entries, IReadOnlyList<DtmTraceReply> Domain)> AskOrSkipAsync(ItmTraceRequest request, BorderTraceResult border,
        uint neighbor, uint depth, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var theirs = FootmarksFrom(request, border, neighbor);
        var answer = await AskUpstreamAsync(request, theirs, neighbor, depth, deadline, cancellationToken).ConfigureAwait(false);
        if (settings.SkipOver is not { } skip || !IsGap(answer.Entries, neighbor))
        {
            return answer;
        }
        var onPath = PathAses(request);
        // Without asking, nothing behind the gap is known to be clean: every AS the flow could have come from is a candidate.
        var search = new SkipOverSearch(skip.Graph, skip.Ask ? skip.Deployed : _ => false, neighbor, settings.AsNumber, onPath,
            skip.RoutesTo(VictimOf(request)));
        var asked = skip.Ask ? search.Targets.Take(skip.MaxTargets).ToList() : [];
        var answers = await Task.WhenAll(asked.Select(t =>
            AskUpstreamAsync(request, theirs, t, depth, deadline, cancellationToken, skipped: (uint)search.Level(t)))).ConfigureAwait(false);

        var entries = new List<AsEntry>();
        var domain = new List<DtmTraceReply>();
        var gaps = new Dictionary<uint, (SortedSet<uint> Incomings, uint Degree)>();
        double explained = 0; // the share of the gap's packets the targets that saw them account for
        int sawIt = 0;
        for (int i = 0; i < asked.Count; i++)
        {
            uint target = asked[i];
            if (answers[i].Entries.FirstOrDefault(e => e.NodeId == NodeId.ForItm(target)) is not { State: TraceState.Found } found)
            {
                continue; // it did not carry the flow
            }
            entries.AddRange(answers[i].Entries);
            domain.AddRange(answers[i].Domain);
            explained += found.Degree / 100.0;
            sawIt++;
            uint upstream = target;
            uint degree = (uint)Math.Round(found.Degree * Math.Pow(0.9, search.Level(target)));
            foreach (uint gap in search.Chain(target))
            {
                var g = gaps.TryGetValue(gap, out var known) ? known : ([], 0u);
                g.Incomings.Add(upstream);
                gaps[gap] = (g.Incomings, Math.Max(g.Degree, degree));
                upstream = gap;
            }
        }
        ItmLog.Skipped(_logger, request.MessageId.ToString(), neighbor, asked.Count, sawIt, search.Cone.Count);
        if (gaps.Count == 0)
        {
            // Nobody behind the gap saw the flow (or none was asked): the gap is the frontier.
            var candidates = search.Cone.Concat(search.Targets.Skip(asked.Count)).ToList();
            return ([Frontier(neighbor, depth + 1, candidates, asked.Count)], answer.Domain);
        }
        entries.AddRange(gaps.Select(g => new AsEntry(NodeId.ForItm(g.Key), AsStatus.Transit, depth + 1 + (uint)search.Level(g.Key), g.Value.Degree,
            TraceState.Reached)
        {
            Incomings = [.. g.Value.Incomings.Select(NeighborAs.Global)],
            // Packets no target accounts for may have started behind the gap: name the candidates for them too.
            Options = g.Key == neighbor && explained < 0.95
                ? [new MessageOption(SkippedOption, "runs no InterTrack; crossed by skip-over, and some packets started behind it"), .. Candidates(search.Cone)]
                : [new MessageOption(SkippedOption, "runs no InterTrack; crossed by skip-over on the AS graph")],
        }));
        return (entries, domain);
    }

    /// <summary>The neighbour could not trace because it runs nothing: no ITM, or its own entry is Unknown (not a refusal, not a timeout).</summary>
    private static bool IsGap(IReadOnlyList<AsEntry> entries, uint neighbor) =>
        entries.FirstOrDefault(e => e.NodeId == NodeId.ForItm(neighbor)) is { Status: AsStatus.Unknown, State: TraceState.Error } entry
        && entry.Error?.Type != ErrorType.RefusedPath;

    /// <summary>The AS whose D Point started the trace: the origin of the path list, or we.</summary>
    private uint VictimOf(ItmTraceRequest request) => request.PathList.Origin?.NodeId is ItmNodeId origin ? origin.Itm.AsNumber : settings.AsNumber;

    private HashSet<uint> PathAses(ItmTraceRequest request) =>
    [
        settings.AsNumber,
        .. new[] { request.PathList.Origin?.NodeId }.Concat(request.PathList.NextHops.Select(h => h.NodeId)).OfType<ItmNodeId>().Select(n => n.Itm.AsNumber),
    ];

    private static AsEntry Frontier(uint gap, uint depth, IReadOnlyList<uint> candidates, int asked) =>
        new(NodeId.ForItm(gap), AsStatus.Unknown, Math.Min(depth, 64), 0, TraceState.Error)
        {
            Options =
            [
                new MessageOption(SkippedOption, asked == 0 ? "runs no InterTrack"
                    : $"runs no InterTrack; none of the {asked} deployed ASes behind it saw the flow"),
                .. Candidates(candidates),
            ],
        };

    private static MessageOption[] Candidates(IReadOnlyList<uint> candidates) =>
    [
        new(CandidatesOption, string.Join(',', candidates.Take(ListedCandidates).Select(a => a.ToString(CultureInfo.InvariantCulture)))),
        new(CandidateCountOption, candidates.Count.ToString(CultureInfo.InvariantCulture)),
    ];
}

/// <summary>
/// What an ITM needs for skip-over: the public AS graph (CAIDA relationships) and which ASes run an
/// ITM it can reach (the signed directory). <see cref="Ask"/> false only names candidate origins.
/// </summary>
public sealed record SkipOverSettings(AsGraph Graph, Func<uint, bool> Deployed)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<uint, Lazy<IReadOnlyDictionary<uint, AsRoute>>> _routes = new();

    public bool Ask { get; init; } = true;

    /// <summary>The ASes' inferred best routes to a victim AS (valley-free, on the graph), computed once per victim.</summary>
    public IReadOnlyDictionary<uint, AsRoute>? RoutesTo(uint victim) =>
        Graph.Contains(victim) ? _routes.GetOrAdd(victim, v => new(() => ValleyFreeRouting.RoutesTo(Graph, v))).Value : null;

    /// <summary>At most this many deployed ASes are asked per gap (nearest first); the rest become candidates.</summary>
    public int MaxTargets { get; init; } = 1024;
}
