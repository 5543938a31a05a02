using System.Globalization;
using InterTrack.Node.Topology;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Managers;

/// <summary>
/// Skip-over (docs/protocol.md): when the AS the flow came in from runs no InterTrack — no ITM
/// endpoint known, the connection refused, or an ITM that cannot trace (Unknown) — the trace does
/// not stop there. The public AS graph says who could have handed the flow to that gap; the
/// directory says which of them run an ITM; the inferred routes to the victim say which of those
/// can lie on the flow's path (<see cref="SkipOverSearch"/>). Those are asked directly, likeliest
/// first, in waves that stop once the answers account for every packet the gap handed over, and at
/// most <see cref="SkipOverSettings.MaxTargets"/> per gap; each with the number of ASes skipped
/// (Option "skipped"), TTL, path list and loop rules as for a neighbour. The gaps are
/// reported as Transit, state "reached", Option "skipped", with a confidence of the found AS's
/// degree less 10 % per skipped AS; when nobody behind a gap saw the flow, the gap is the frontier
/// and its entry lists the candidate origin ASes (Options "candidate-origins", likeliest first,
/// "candidate-count" and "candidate-reason").
/// </summary>
public sealed partial class Itm
{
    internal const string SkippedOption = "skipped", CandidatesOption = "candidate-origins", CandidateCountOption = "candidate-count",
        CandidateReasonOption = "candidate-reason";
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
        var theirs = EvidenceFrom(request, border, neighbor);
        var answer = await AskUpstreamAsync(request, theirs, neighbor, depth, deadline, cancellationToken).ConfigureAwait(false);
        if (settings.SkipOver is not { } skip || !IsGap(answer.Entries, neighbor))
        {
            return answer;
        }
        var onPath = PathAses(request);
        uint victim = VictimOf(request);
        // Without asking, nothing behind the gap is known to be clean: every AS the flow could have come from is a candidate.
        var search = new SkipOverSearch(skip.Graph, skip.Ask ? skip.Deployed : _ => false, neighbor, settings.AsNumber, onPath,
            skip.RoutesTo(victim), skip.CatchmentOf(victim));
        var notifiers = skip.Ask && skip.Notices ? NotifiersIn(request) : null;
        var targets = !skip.Ask ? [] : search.Targets.Concat(skip.OffRoute ? search.OffRoute : []).ToList();
        int allAtOnce = 0;
        if (notifiers is not null)
        {
            // First, all at once, the ASes through which a notifier's route crosses the gap: each stands for spoofing seen, and in
            // waves a target nested behind another would count its packets twice and end them early. Then the deployed ASes not known to
            // send notices, as without them. Those that send notices and sent none saw no spoofing come in from their hosts, customers
            // or peers: no origin, and any AS they passed such packets on to lies on a notifier's route.
            var through = search.Through(notifiers);
            targets = [.. through, .. targets.Where(t => !skip.SendsNotices(t) && !through.Contains(t))];
            allAtOnce = through.Count;
        }
        var order = targets.Take(Math.Max(skip.MaxTargets, allAtOnce)).ToList();
        bool passedOver = notifiers is not null && skip.SendsNoticesAny; // deployed ASes left out for sending no notice

        var entries = new List<AsEntry>();
        var domain = new List<DtmTraceReply>();
        var gaps = new Dictionary<uint, (SortedSet<uint> Incomings, uint Degree)>();
        double explained = 0; // the share of the gap's packets the targets that saw them account for
        bool Covered() => explained >= 1 - 0.5 / Math.Max(1, theirs is null ? 0 : EvidencePackets.Count(theirs)); // every packet the gap handed over
        int asked = 0, sawIt = 0;
        // In waves, likeliest first, each twice the last: a gap whose packets the first answers account for costs one wave.
        for (int wave = skip.Wave; asked < order.Count && !Covered(); wave *= 2)
        {
            var batch = order.Skip(asked).Take(asked == 0 && allAtOnce > 0 ? allAtOnce : wave).ToList();
            asked += batch.Count;
            var answers = await Task.WhenAll(batch.Select(t =>
                AskUpstreamAsync(request, theirs, t, depth, deadline, cancellationToken, skipped: (uint)search.Level(t)))).ConfigureAwait(false);
            for (int i = 0; i < batch.Count; i++)
            {
                uint target = batch[i];
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
        }
        ItmLog.Skipped(_logger, request.MessageId.ToString(), neighbor, asked, sawIt, search.Cone.Count);
        if (gaps.Count == 0)
        {
            // Nobody behind the gap saw the flow (or none was asked): the gap is the frontier.
            return ([Frontier(neighbor, depth + 1, search, targets.Skip(asked).ToList(), asked, passedOver)], answer.Domain);
        }
        entries.AddRange(gaps.Select(g => new AsEntry(NodeId.ForItm(g.Key), AsStatus.Transit, depth + 1 + (uint)search.Level(g.Key), g.Value.Degree,
            TraceState.Reached)
        {
            Incomings = [.. g.Value.Incomings.Select(NeighborAs.Global)],
            // Packets no target accounts for may have started behind the gap: name the candidates for them too.
            Options = g.Key == neighbor && !Covered()
                ? [new MessageOption(SkippedOption, "runs no InterTrack; crossed by skip-over, and some packets started behind it"),
                    .. Candidates(search, targets.Skip(asked).ToList(), asked, passedOver)]
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

    private static AsEntry Frontier(uint gap, uint depth, SkipOverSearch search, IReadOnlyList<uint> unasked, int asked, bool noticed) =>
        new(NodeId.ForItm(gap), AsStatus.Unknown, Math.Min(depth, 64), 0, TraceState.Error)
        {
            Options =
            [
                new MessageOption(SkippedOption, asked == 0 ? "runs no InterTrack"
                    : $"runs no InterTrack; none of the {asked} deployed ASes behind it asked saw the flow"),
                .. Candidates(search, unasked, asked, noticed),
            ],
        };

    /// <summary>
    /// The candidate origins behind a gap, likeliest first: the gap itself (the flow came in from it), then the ASes running
    /// nothing whose route crosses it, nearest first, then the deployed ones the bound left unasked; with their count and why.
    /// The ASes behind a deployed AS that answered no are not among them: their flows would have crossed it. With spoofing notices
    /// (<paramref name="noticed"/>) the deployed ASes known to send them that sent none are not either: they would have noticed their own
    /// spoofing hosts.
    /// </summary>
    private static MessageOption[] Candidates(SkipOverSearch search, IReadOnlyList<uint> unasked, int asked, bool noticed)
    {
        var candidates = search.Cone.Concat(unasked).ToList();
        string reason = $"AS{search.Cone[0]} runs no InterTrack and handed the flow on; {search.Cone.Count - 1} ASes behind it run none either" +
            (asked > 0 ? $"; {asked} deployed ASes behind it asked did not account for every packet" : "") +
            (noticed ? "; the deployed ASes behind it that send spoofing notices and sent the victim none were not asked" : "") +
            (unasked.Count > 0 ? $"; {unasked.Count} deployed ASes behind it not asked (bound), listed last" : "");
        return
        [
            new(CandidatesOption, string.Join(',', candidates.Take(ListedCandidates).Select(a => a.ToString(CultureInfo.InvariantCulture)))),
            new(CandidateCountOption, candidates.Count.ToString(CultureInfo.InvariantCulture)),
            new(CandidateReasonOption, reason),
        ];
    }
}

/// <summary>
/// What an ITM needs for skip-over: the public AS graph (CAIDA relationships) and which ASes run an
/// ITM it can reach (the signed directory), and how far it may go. <see cref="Ask"/> false only
/// names candidate origins. One instance may serve many ITMs: the routes per victim are computed once.
/// </summary>
public sealed record SkipOverSettings(AsGraph Graph, Func<uint, bool> Deployed)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<uint, Lazy<(IReadOnlyDictionary<uint, AsRoute> Routes,
        IReadOnlyDictionary<uint, int> Catchment)>> _routes = new();

    public bool Ask { get; init; } = true;

    /// <summary>
    /// Whether a request naming the ASes that sent the victim spoofing notices (<see cref="Itm.Notices"/>) has skip-over ask first the
    /// deployed ASes on their routes, and of the others only those not known to send notices (<see cref="SendsNotices"/>).
    /// </summary>
    public bool Notices { get; init; } = true;

    /// <summary>The ASes known to send spoofing notices (a daemon: the directory's <c>noticeSenders</c>); none by default.</summary>
    public Func<uint, bool> SendsNotices { get; init; } = _ => false;

    /// <summary>Whether any AS is known to send notices: only then do the silent ones drop out of the candidates.</summary>
    internal bool SendsNoticesAny => Graph.Ases.Any(SendsNotices);

    /// <summary>At most this many deployed ASes are asked per gap (likeliest first); the rest become candidates.</summary>
    public int MaxTargets { get; init; } = DefaultMaxTargets;

    public const int DefaultMaxTargets = 1024;

    /// <summary>How many are asked at once first; each further wave, until their answers account for every packet, is twice as large.</summary>
    public int Wave { get; init; } = DefaultWave;

    public const int DefaultWave = 16;

    /// <summary>
    /// Also ask, after the others, the deployed ASes whose inferred route to the victim does not cross the gap (a valley-free path
    /// allows it, the inferred best route does not): worth it only when the inferred routes are often wrong; each costs messages.
    /// </summary>
    public bool OffRoute { get; init; }

    /// <summary>The ASes' inferred best routes to a victim AS (valley-free, on the graph), computed once per victim.</summary>
    public IReadOnlyDictionary<uint, AsRoute>? RoutesTo(uint victim) => Routing(victim)?.Routes;

    /// <summary>Per AS, how many ASes' inferred routes to the victim cross it (<see cref="ValleyFreeRouting.Catchment"/>).</summary>
    public IReadOnlyDictionary<uint, int>? CatchmentOf(uint victim) => Routing(victim)?.Catchment;

    private (IReadOnlyDictionary<uint, AsRoute> Routes, IReadOnlyDictionary<uint, int> Catchment)? Routing(uint victim) =>
        Graph.Contains(victim) ? _routes.GetOrAdd(victim, v => new(() =>
        {
            var routes = ValleyFreeRouting.RoutesTo(Graph, v);
            return (routes, ValleyFreeRouting.Catchment(routes));
        })).Value : null;
}
