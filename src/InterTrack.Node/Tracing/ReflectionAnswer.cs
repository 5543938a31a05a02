using System.Globalization;
using System.Net.Sockets;
using InterTrack.Packets.Reflection;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Tracing;

/// <summary>
/// What an amplifier's BTM says beyond its status (docs/protocol.md, "Reflection"): per neighbour, which of the traced answers had their
/// requests come in from it (Options "requests-from:AS" = footmark indices, which the ITM follows upstream as AppFootmarks); the
/// reflectors and services ("reflector", "reflection-service"); the requests found as TranslateInfo (Border V4Reflection or V6Reflection,
/// PayloadHash = the request key's SHA-256, PacketDump = the request's IP and UDP headers), at most <see cref="ListedRequests"/>; when some
/// answers' requests were not found, how many and why ("reflection-unmatched"); what a sighting of a request shows, when less than the request
/// ("reflection-match").
/// </summary>
internal sealed record ReflectionAnswer(IReadOnlyList<uint> Neighbors, ValueList<TranslateInfo> Evidence, IReadOnlyList<MessageOption> Options)
{
    internal const string RequestsFromOption = "requests-from:", ReflectorOption = "reflector", ServiceOption = "reflection-service",
        UnmatchedOption = "reflection-unmatched", MatchOption = "reflection-match";
    private const int ListedRequests = 16, ListedReflectors = 16;

    internal static ReflectionAnswer Of(uint asNumber, BorderVerdict verdict, IReadOnlyList<(int Index, TracedPacket Packet)> askable)
    {
        var reflected = verdict.Reflected.Select((r, i) => (Reflected: r, Index: askable[i].Index)).Where(r => r.Reflected is not null)
            .Select(r => (r.Reflected!.Value.Key, r.Reflected.Value.From, r.Index)).ToList();
        var neighbors = reflected.SelectMany(r => r.From).Distinct().Order().ToList();
        var found = reflected.Where(r => r.From.Count > 0).Select(r => r.Key).Distinct().ToList();
        var options = new List<MessageOption>
        {
            new(ReflectorOption, string.Join(',', reflected.Select(r => $"{r.Key.Reflector}:{r.Key.ReflectorPort}").Distinct().Order().Take(ListedReflectors))),
            new(ServiceOption, string.Join(',', reflected.Select(r => r.Key.Protocol.Name).Distinct().Order())),
        };
        options.AddRange(neighbors.Select(n => new MessageOption(RequestsFromOption + n.ToString(CultureInfo.InvariantCulture),
            string.Join(',', reflected.Where(r => r.From.Contains(n)).Select(r => r.Index)))));
        int unmatched = reflected.Count(r => r.From.Count == 0);
        if (unmatched > 0)
        {
            string why = verdict.RequestsNotKept ?? "no request with their key came in at our border near their time";
            options.Add(new(UnmatchedOption, $"{unmatched} of {reflected.Count} answers our hosts sent: {why}"));
        }
        var evidence = found.Take(ListedRequests).Select(k => EvidencePackets.Translation(EvidencePackets.Request(k), asNumber,
            k.Reflector.AddressFamily == AddressFamily.InterNetworkV6));
        return new ReflectionAnswer(neighbors, [.. evidence], options);
    }

    /// <summary>Whether an option of the BTM's answer goes into the amplifier's entry of the result (not the footmark indices).</summary>
    public static bool ForTheResult(string type) => type is ReflectorOption or ServiceOption or UnmatchedOption or MatchOption;

    /// <summary>Option "reflection-match" when requests were sighted by a system whose sighting is less than a request (flow records).</summary>
    public static IEnumerable<MessageOption> Sighting(ILinkEvidence evidence, bool requestsSighted) =>
        requestsSighted && evidence.RequestSighting is { } what ? [new MessageOption(MatchOption, what)] : [];

    /// <summary>The footmark indices whose requests came in from a neighbour, by the option of an amplifier's answer; null when it did not say.</summary>
    public static IReadOnlyList<int>? RequestIndices(IEnumerable<MessageOption> options, uint neighbor) =>
        EvidencePackets.Indices(options, RequestsFromOption + neighbor.ToString(CultureInfo.InvariantCulture));
}
