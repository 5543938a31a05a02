using System.Collections.Concurrent;
using System.Globalization;
using InterTrack.Node.Telemetry;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InterTrack.Node.Managers;

/// <summary>
/// What an ITM learned for one request: its reply, and the exchanges behind it — its own BTM's
/// answer and the DTM answers of its own domain and of upstream ASes that export them to it —
/// for its own D Point, or for a neighbour whose export level allows.
/// </summary>
public sealed record ItmOutcome(ItmTraceReply Reply, BtmTraceReply? Border, IReadOnlyList<DtmTraceReply> Domain);

/// <summary>
/// The Internet Traceback Manager of one AS: the InterTrack trace procedure (docs/protocol.md). It asks its BTM
/// how the flow crosses the border; if the flow originates inside (OUTGOING, INCOMING+OUTGOING)
/// or cannot be told, it asks its DTMs; if it came in from neighbours, it forwards the request to
/// each of them in parallel with only their footmarks; it merges everything into one AS-level
/// result. Transit ASes thus consult only their border system. Loops are cut by the TTL, the
/// ITM path list and duplicate message ids; every wait has a deadline, so a silent neighbour
/// becomes an Unknown or Busy entry instead of a hung trace. Thread-safe.
/// </summary>
public sealed partial class Itm(ItmSettings settings, IBtmClient btm, IReadOnlyList<IDtmClient> dtms, IItmNeighbors neighbors, TimeProvider? time = null,
    ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    internal const string DeadlineOption = "deadline";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    // A request is a duplicate when its id and its evidence were seen: one trace may reach an AS
    // along several paths with different footmarks (skip-over fans out), and each part must be traced.
    private readonly ConcurrentDictionary<(MessageId, ulong), DateTimeOffset> _seen = new();
    private readonly RateLimiter _neighborRate = new(settings.NeighborRateLimit, time ?? TimeProvider.System);
    private long _lastSequenceMicros;

    public uint AsNumber => settings.AsNumber;

    /// <summary>The steps of our own D Point's traces while they run.</summary>
    public TraceProgress Progress { get; } = new();

    private NodeId Self => NodeId.ForItm(settings.AsNumber);

    /// <summary>A new message id: this ITM and a time value unique among the ids it issued.</summary>
    public MessageId NewMessageId()
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        long issued;
        long last;
        do
        {
            last = Interlocked.Read(ref _lastSequenceMicros);
            issued = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastSequenceMicros, issued, last) != last);
        return new MessageId(NeighborNode.ForItm(settings.AsNumber), new TimeVal((uint)(issued / 1_000_000), (uint)(issued % 1_000_000)));
    }

    /// <summary>Runs the procedure for a request from our own D Point (<paramref name="fromOwnDPoint"/>) or from a neighbour ITM.</summary>
    public async Task<ItmOutcome> TraceAsync(ItmTraceRequest request, bool fromOwnDPoint, CancellationToken cancellationToken)
    {
        uint depth = fromOwnDPoint ? 0 : DepthOf(request);
        if (fromOwnDPoint)
        {
            request = WithNotifiers(request);
        }
        else
        {
            if (request.Ttl == 0 || OnPath(request.PathList))
            {
                return Refused(request, depth, AsStatus.Refused, ErrorType.RefusedPath, "loop or TTL exhausted", "loop");
            }
            if (Requester(request.PathList) is not { } requester || !settings.Admits(requester))
            {
                return Refused(request, depth, AsStatus.Refused, ErrorType.RefusedPath, "refused by path filter", "path_filter");
            }
            if (!_neighborRate.TryTake())
            {
                return Refused(request, depth, AsStatus.Busy, ErrorType.RefusedLimit, "rate limit exceeded", "rate_limited");
            }
        }
        Forget();
        if (!_seen.TryAdd((request.MessageId, EvidenceHash(request.Evidence)), _time.GetUtcNow()))
        {
            return Refused(request, depth, AsStatus.Refused, ErrorType.RefusedPath, "duplicate message id", "duplicate");
        }

        var deadline = Deadline(request, fromOwnDPoint);
        long started = _time.GetTimestamp();
        using var span = NodeActivity.StartHop(settings.AsNumber, request, fromOwnDPoint);
        NodeMetrics.TraceReceived(settings.AsNumber, fromOwnDPoint);
        ItmLog.Received(_logger, request.MessageId.ToString(), fromOwnDPoint ? "our D Point" : $"AS{Requester(request.PathList)}", depth,
            EvidencePackets.Footmarks(request.Evidence).Count);
        string id = request.MessageId.ToString();
        using var tracked = fromOwnDPoint ? Progress.Track(id) : null;
        Progress.Record(id, _time.GetUtcNow(), "asking our border system");
        var border = await AskBorderAsync(request, deadline, cancellationToken).ConfigureAwait(false);
        var result = border.Result;
        bool askDomain = result.AskDtm || result.Error is not null || (fromOwnDPoint && result.Status == AsStatus.NotFound);
        bool amplifier = result.Error is null && result.Status == AsStatus.Amplifier;
        var upstream = result.Error is null ? result.Incomings ?? [] : [];
        if (amplifier)
        {
            // Only the packets that passed through follow the flow upstream; the reflected answers follow their requests (below).
            upstream = [.. upstream.Where(n => EvidencePackets.EnteredFromIndices(result.Options, n.AsNumber) is not null)];
        }

        var domainTask = askDomain ? AskDomainAsync(request, deadline, cancellationToken) : Task.FromResult<IReadOnlyList<DtmTraceReply>>([]);
        var upstreamTasks = upstream.Select(n => AskOrSkipAsync(request, result, n.AsNumber, depth, deadline, cancellationToken)).ToList();
        if (amplifier)
        {
            upstreamTasks.AddRange(RequestLegs(request, result, depth).Select(leg =>
                AskOrSkipAsync(leg.Request, leg.Border, leg.Neighbor, depth, deadline, cancellationToken)));
        }
        var domain = await domainTask.ConfigureAwait(false);
        bool forwarded = upstream.Count > 0 || (amplifier && result.Incomings is { Count: > 0 });
        if (result.Error is not null && DomainIngress(domain) is { Incomings.Count: > 0 } ingress)
        {
            // No border system answered, but the domain's traceback system saw where the flow came in: follow that.
            upstreamTasks = [.. ingress.Incomings!.Select(n => AskOrSkipAsync(request, ingress, n.AsNumber, depth, deadline, cancellationToken))];
            forwarded = true;
        }
        var answers = await Task.WhenAll(upstreamTasks).ConfigureAwait(false);

        var own = OwnEntry(result, depth, fromOwnDPoint, askDomain, domain, forwarded);
        var entries = Merge([own, .. answers.SelectMany(a => a.Entries)]);
        var reply = new ItmTraceReply(NeighborNode.ForItm(settings.AsNumber), request.MessageId, new InterAsTraceResult(own.Degree) { Ases = entries });
        ItmLog.Answered(_logger, request.MessageId.ToString(), own.Status.ToString(), entries.Count,
            string.Join(",", entries.Where(e => e.Status == AsStatus.Source).Select(e => e.NodeId is ItmNodeId i ? $"AS{i.Itm.AsNumber}" : "?")),
            _time.GetElapsedTime(started).TotalMilliseconds);
        NodeMetrics.TraceAnswered(settings.AsNumber, own.Status.ToString(), fromOwnDPoint, _time.GetElapsedTime(started));
        span?.SetTag("intertrack.status", own.Status.ToString());
        return new ItmOutcome(reply, border, [.. domain, .. answers.SelectMany(a => a.Domain)]);
    }

    /// <summary>What a neighbour's export level lets it learn of an outcome beyond the reply: null for inter-as.</summary>
    public ResultExport? ExportFor(uint neighbor, ItmTraceRequest request, ItmOutcome outcome) =>
        settings.ExportLevels.GetValueOrDefault(neighbor, ExportLevelKind.InterAs) switch
        {
            ExportLevelKind.All => new AllResultExport(request, outcome.Reply)
            {
                BtmReplies = outcome.Border is null ? [] : [outcome.Border],
                DtmReplies = [.. outcome.Domain],
            },
            ExportLevelKind.IntraAs => new IntraAsResultExport(request)
            {
                BtmReplies = outcome.Border is null ? [] : [outcome.Border],
                DtmReplies = [.. outcome.Domain],
            },
            _ => null,
        };

    private bool OnPath(ItmPathList path) =>
        path.Origin?.NodeId == Self || path.NextHops.Any(h => h.NodeId == Self);

    /// <summary>The AS that sent a request: the last ITM on its path (the service checks it against the peer's certificate).</summary>
    public static uint? Requester(ItmPathList path) =>
        (path.NextHops.Count > 0 ? path.NextHops[^1].NodeId : path.Origin?.NodeId) is ItmNodeId itm ? itm.Itm.AsNumber : null;

    private ItmOutcome Refused(ItmTraceRequest request, uint depth, AsStatus status, ErrorType error, string why, string reason)
    {
        NodeMetrics.TraceRefused(settings.AsNumber, reason);
        return new(new ItmTraceReply(NeighborNode.ForItm(settings.AsNumber), request.MessageId, new InterAsTraceResult(0)
        {
            Ases = [new AsEntry(Self, status, Math.Min(depth, 64), 0, TraceState.Error) { Error = new ErrorCode(error) { Message = why } }],
        }), null, []);
    }

    private static ulong EvidenceHash(Evidence evidence)
    {
        var hash = new System.IO.Hashing.XxHash64();
        foreach (var footmark in EvidencePackets.Footmarks(evidence))
        {
            hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(footmark.Dump.Data.AsSpan())); // the text as it is: no copy per footmark
        }
        if (evidence is AppFootmark app)
        {
            foreach (var request in EvidencePackets.Requests(app))
            {
                hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(request.Hash.Data.AsSpan()));
            }
        }
        return hash.GetCurrentHashAsUInt64();
    }

    private void Forget()
    {
        var cutoff = _time.GetUtcNow() - settings.DuplicateMemory;
        foreach (var (id, seen) in _seen)
        {
            if (seen < cutoff)
            {
                _seen.TryRemove(id, out _);
            }
        }
    }

    private DateTimeOffset Deadline(ItmTraceRequest request, bool fromOwnDPoint)
    {
        var now = _time.GetUtcNow();
        var latest = now + settings.TraceTimeout;
        if (!fromOwnDPoint && request.Options.FirstOrDefault(o => o.Type == DeadlineOption) is { } option
            && long.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long unixMs))
        {
            var asked = DateTimeOffset.FromUnixTimeMilliseconds(unixMs); // the requester kept its own margin
            return asked < latest ? asked : latest;
        }
        return latest;
    }

    private TimeSpan Until(DateTimeOffset deadline, TimeSpan cap)
    {
        var left = deadline - _time.GetUtcNow();
        return left < TimeSpan.Zero ? TimeSpan.Zero : left < cap ? left : cap;
    }

    private async Task<BtmTraceReply> AskBorderAsync(ItmTraceRequest request, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var btmRequest = new BtmTraceRequest(NeighborNode.ForItm(settings.AsNumber), request.MessageId, request.Evidence);
        try
        {
            return await WithTimeout(t => btm.TraceAsync(btmRequest, t), Until(deadline, settings.ComponentTimeout), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            return new BtmTraceReply(NeighborNode.ForItm(settings.AsNumber), request.MessageId,
                new BorderTraceResult(AsStatus.Unknown, 0, TraceState.Error) { Error = new ErrorCode(ErrorType.WaitBtmReply) { Message = e.Message } });
        }
    }

    private async Task<IReadOnlyList<DtmTraceReply>> AskDomainAsync(ItmTraceRequest request, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var dtmRequest = new DtmTraceRequest(NeighborNode.ForItm(settings.AsNumber), request.MessageId, request.Evidence);
        var asks = dtms.Select(async dtm =>
        {
            try
            {
                return await WithTimeout(t => dtm.TraceAsync(dtmRequest, t), Until(deadline, settings.ComponentTimeout),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or IOException)
            {
                return new DtmTraceReply(NeighborNode.ForItm(settings.AsNumber), request.MessageId,
                    new IntraAsTraceResult(0) { Error = new ErrorCode(ErrorType.WaitDtmReply) { Message = e.Message } });
            }
        });
        return await Task.WhenAll(asks).ConfigureAwait(false);
    }

    /// <summary>The evidence of a request that came in from one neighbour (all of it when the border did not say); null for none.</summary>
    private Evidence? EvidenceFrom(ItmTraceRequest request, BorderTraceResult border, uint neighbor) =>
        EvidencePackets.EnteredFromIndices(border.Options, neighbor) is { } indices
            ? EvidencePackets.Select(request.Evidence, indices, TimeVal.FromDateTimeOffset(_time.GetUtcNow()))
            : EvidencePackets.Count(request.Evidence) > 0 ? request.Evidence : null;

    /// <param name="skipped">ASes between us and the one asked that run no InterTrack (skip-over); 0 for a neighbour.</param>
    private async Task<(IReadOnlyList<AsEntry> Entries, IReadOnlyList<DtmTraceReply> Domain)> AskUpstreamAsync(ItmTraceRequest request,
        Evidence? theirs,
        uint neighbor, uint depth, DateTimeOffset deadline, CancellationToken cancellationToken, uint skipped = 0)
    {
        int count = theirs is null ? 0 : EvidencePackets.Count(theirs);
        if (count == 0 || request.Ttl <= 1 + skipped || request.PathList.NextHops.Count >= 64 || !settings.Admits(neighbor))
        {
            string why = count == 0 ? "no footmarks for this neighbour" : !settings.Admits(neighbor) ? "not asked: path filter" : "TTL exhausted";
            return ([Failed(neighbor, depth + 1 + skipped, AsStatus.Unknown, ErrorType.RefusedPath, why)], []);
        }
        var path = new ItmPathList(request.PathList.Origin ?? NeighborNode.ForItm(settings.AsNumber),
            depth == 0 ? request.PathList.NextHops : [.. request.PathList.NextHops, new NextHop(Self, depth)]);
        using var span = NodeActivity.StartForward(settings.AsNumber, neighbor);
        var forward = new ItmTraceRequest(NeighborNode.ForItm(neighbor), request.MessageId, request.Ttl - 1 - skipped, path, theirs!)
        {
            Translated = request.Translated,
            Options =
            [
                new MessageOption(DeadlineOption, (deadline - settings.HopMargin).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
                .. skipped > 0 ? [new MessageOption(SkippedOption, skipped.ToString(CultureInfo.InvariantCulture))] : Array.Empty<MessageOption>(),
                .. request.Options.Where(o => o.Type == NoticedOption).Take(1),
                .. NodeActivity.Context(span, settings.ExportLevels.GetValueOrDefault(neighbor, ExportLevelKind.InterAs) != ExportLevelKind.InterAs),
            ],
        };
        ItmLog.Forwarded(_logger, request.MessageId.ToString(), neighbor, count, skipped);
        NodeMetrics.TraceForwarded(settings.AsNumber, neighbor);
        long started = _time.GetTimestamp();
        void Step(string step) => Progress.Record(request.MessageId.ToString(), _time.GetUtcNow(), step); // kept for our own D Point's traces
        Step($"asked AS{neighbor} ({count} {(theirs is AppFootmark ? "reflection requests" : "packets")})");
        try
        {
            var answer = await WithTimeout(t => neighbors.TraceAsync(neighbor, forward, t), Until(deadline, settings.TraceTimeout),
                cancellationToken).ConfigureAwait(false);
            NodeMetrics.NeighborAnswered(settings.AsNumber, neighbor, _time.GetElapsedTime(started));
            Step($"AS{neighbor} answered: {answer.Reply.Result.Ases.Count} ASes, sources " +
                $"{string.Join(", ", answer.Reply.Result.Ases.Where(e => e.Status == AsStatus.Source)
                    .Select(e => e.NodeId is ItmNodeId i ? $"AS{i.Itm.AsNumber}" : "?").DefaultIfEmpty("none"))}");
            var shared = answer.Export switch
            {
                AllResultExport e => e.DtmReplies,
                IntraAsResultExport e => e.DtmReplies,
                _ => [],
            };
            return answer.Reply.Result.Error is { } error
                ? ([Failed(neighbor, depth + 1, AsStatus.Unknown, error.Type, error.Message ?? "error")], shared)
                : (answer.Reply.Result.Ases, shared);
        }
        catch (TimeoutException)
        {
            NodeMetrics.NeighborFailed(settings.AsNumber, neighbor, "timeout");
            Step($"AS{neighbor}: no answer before the deadline");
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "no answer before the deadline");
            return ([Failed(neighbor, depth + 1, AsStatus.Busy, ErrorType.WaitItmReply, "no answer before the deadline")], []);
        }
        catch (IOException e)
        {
            NodeMetrics.NeighborFailed(settings.AsNumber, neighbor, "unreachable");
            Step($"AS{neighbor}: unreachable ({e.Message})");
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            return ([Failed(neighbor, depth + 1, AsStatus.Unknown, ErrorType.WaitItmReply, e.Message)], []);
        }
    }

    /// <summary>The neighbours the DTMs saw the flow entering from (their "entered-from" options), as a border answer; null when none said.</summary>
    private static BorderTraceResult? DomainIngress(IReadOnlyList<DtmTraceReply> domain)
    {
        var options = domain.SelectMany(d => d.Options).Where(o => o.Type.StartsWith(EvidencePackets.EnteredFromOption, StringComparison.Ordinal)).ToList();
        if (options.Count == 0)
        {
            return null;
        }
        var neighbors = options.Select(o => uint.Parse(o.Type.AsSpan(EvidencePackets.EnteredFromOption.Length),
            CultureInfo.InvariantCulture)).Distinct().Order();
        return new BorderTraceResult(AsStatus.Transit, 0, TraceState.Found)
        {
            TsType = DomainTsType(domain), Incomings = [.. neighbors.Select(NeighborAs.Global)], Options = [.. options],
        };
    }

    /// <summary>The kind of system the DTMs that answered run (its name, as in <c>tstype</c>).</summary>
    private static string? DomainTsType(IReadOnlyList<DtmTraceReply> domain) =>
        domain.Where(d => d.Result.Error is null).SelectMany(d => d.Result.SubDomains).Select(s => s.Agent?.TsType).FirstOrDefault(t => t is not null);

    private static AsEntry Failed(uint asNumber, uint depth, AsStatus status, ErrorType error, string message) =>
        new(NodeId.ForItm(asNumber), status, Math.Min(depth, 64), 0, TraceState.Error) { Error = new ErrorCode(error) { Message = message } };

    private AsEntry OwnEntry(BorderTraceResult border, uint depth, bool fromOwnDPoint, bool askedDomain, IReadOnlyList<DtmTraceReply> domain, bool forwarded)
    {
        bool foundInside = domain.Any(d => d.Result.Error is null && d.Result.SubDomains.Any(s => s.Agent?.State == TraceState.Found));
        bool amplifier = border.Error is null && border.Status == AsStatus.Amplifier;
        var status = fromOwnDPoint ? AsStatus.Destination
            : amplifier ? AsStatus.Amplifier // its hosts answered requests: the forging AS is upstream, not here
            : foundInside || border.Status == AsStatus.Source ? AsStatus.Source
            : forwarded ? AsStatus.Transit
            : border.Error is not null ? AsStatus.Unknown
            : AsStatus.NotFound;
        // Without an answer from the border (and nothing found inside) even the victim AS is the frontier.
        bool blind = border.Error is not null && !foundInside && !forwarded;
        var state = blind ? TraceState.Error : status switch
        {
            AsStatus.Destination or AsStatus.Source or AsStatus.Transit or AsStatus.Amplifier => TraceState.Found,
            AsStatus.Unknown => TraceState.Error,
            _ => TraceState.NotFound,
        };
        uint degree = border.Error is null ? border.Degree : domain.Select(d => d.Result.Degree).DefaultIfEmpty(0u).Max();
        return new AsEntry(Self, status, depth, degree, state)
        {
            TsType = border.Error is null ? border.TsType : DomainTsType(domain) ?? border.TsType, // the system that answered for the AS
            Incomings = border.Incomings,
            Outgoings = border.Outgoings,
            AskDtm = askedDomain,
            Translations = amplifier ? border.Translations : [],
            Options = amplifier ? [.. border.Options.Where(o => ReflectionAnswer.ForTheResult(o.Type))] : [],
            Error = blind ? border.Error : null, // why the AS could not be traced
        };
    }

    /// <summary>
    /// One entry per AS: the best answer, nearest first; an AS reached along several branches keeps the incoming neighbours of every
    /// answer that saw the flow, so no branch behind it is left without a link to the tree.
    /// </summary>
    private static ValueList<AsEntry> Merge(IEnumerable<AsEntry> entries) =>
        [.. entries
            .GroupBy(e => e.NodeId)
            .Select(g =>
            {
                // A source or amplifier on one branch stays one where another branch (a reflection's other leg) only crossed it.
                var best = g.OrderByDescending(e => e.State switch { TraceState.Found => 3, TraceState.Reached => 2, TraceState.NotFound => 1, _ => 0 })
                    .ThenBy(e => e.Status switch { AsStatus.Source => 0, AsStatus.Amplifier => 1, _ => 2 }).ThenBy(e => e.Depth).First();
                var incomings = g.Where(e => e.State is TraceState.Found or TraceState.Reached && e.Error is null)
                    .SelectMany(e => e.Incomings ?? []).Distinct().ToList();
                return best.Incomings is null || incomings.Count == best.Incomings.Count ? best : best with { Incomings = [.. incomings] };
            })
            .OrderBy(e => e.Depth)];

    private async Task<T> WithTimeout<T>(Func<CancellationToken, Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var clock = new CancellationTokenSource(timeout, _time);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, clock.Token);
        try
        {
            return await call(timer.Token).WaitAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {timeout.TotalSeconds:F1} s");
        }
    }
}

internal static partial class ItmLog
{
    [LoggerMessage(LogEvents.ItmReceived, LogLevel.Information, "Trace {MessageId} received from {From} (depth {Depth}, {Footmarks} packets)")]
    public static partial void Received(ILogger logger, string messageId, string from, uint depth, int footmarks);

    [LoggerMessage(LogEvents.ItmForwarded, LogLevel.Information, "Trace {MessageId} forwarded to AS{Neighbor} ({Footmarks} packets, {Skipped} ASes skipped)")]
    public static partial void Forwarded(ILogger logger, string messageId, uint neighbor, int footmarks, uint skipped);

    [LoggerMessage(LogEvents.ItmAnswered, LogLevel.Information,
        "Trace {MessageId} answered: we are {Status}, {Ases} ASes, origins [{Origins}], {Milliseconds:F0} ms")]
    public static partial void Answered(ILogger logger, string messageId, string status, int ases, string origins, double milliseconds);

    [LoggerMessage(LogEvents.ItmSkippedOver, LogLevel.Information,
        "Trace {MessageId}: AS{Gap} runs no InterTrack; {Asked} deployed ASes behind it asked, {Found} saw the flow, {Candidates} candidate origins")]
    public static partial void Skipped(ILogger logger, string messageId, uint gap, int asked, int found, int candidates);
}
