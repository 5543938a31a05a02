using InterTrack.Protocol.Model;

namespace InterTrack.Node.Managers;

/// <summary>How an ITM runs traces. Defaults: TTL 16 AS hops (at most 64), as InterTrack specifies.</summary>
public sealed record ItmSettings(uint AsNumber)
{
    /// <summary>AS hops a trace from our own D Point may take (at most 64).</summary>
    public uint DefaultTtl { get; init; } = 16;

    /// <summary>Time a whole trace from our own D Point may take.</summary>
    public TimeSpan TraceTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time kept back at each hop to merge and answer before the caller's deadline.</summary>
    public TimeSpan HopMargin { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Longest wait for our own BTM or a DTM.</summary>
    public TimeSpan ComponentTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a message id is remembered to answer duplicates once.</summary>
    public TimeSpan DuplicateMemory { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Path filter: ASes whose requests are refused and to which requests are never forwarded.</summary>
    public IReadOnlySet<uint> DenyAses { get; init; } = new HashSet<uint>();

    /// <summary>Path filter: when set, the only ASes requests are taken from and forwarded to.</summary>
    public IReadOnlySet<uint>? AllowAses { get; init; }

    /// <summary>Requests per second taken from other ASes (all together); more are refused as Busy.</summary>
    public double NeighborRateLimit { get; init; } = 100;

    /// <summary>
    /// What each neighbour may learn beyond AS statuses: with "all" or "intra-as" it also gets an
    /// ITMTraceResultExport with our border and domain answers (router level). Default inter-as.
    /// </summary>
    public IReadOnlyDictionary<uint, ExportLevelKind> ExportLevels { get; init; } = new Dictionary<uint, ExportLevelKind>();

    /// <summary>Skip-over past ASes that run no InterTrack, and candidate origins behind them; null: the trace stops at them.</summary>
    public SkipOverSettings? SkipOver { get; init; }

    public bool Admits(uint asNumber) => !DenyAses.Contains(asNumber) && (AllowAses is null || AllowAses.Contains(asNumber));
}
