using System.Globalization;
using InterTrack.Packets.Capture;
using InterTrack.Packets.Reflection;
using InterTrack.Protocol.Model;

namespace InterTrack.Node.Tracing;

/// <summary>Between the protocol's footmarks and the packets a traceback system digests.</summary>
public static class EvidencePackets
{
    /// <summary>The single-packet footmarks of the evidence, in order (an AppFootmark has none: it is a payload hash).</summary>
    public static IReadOnlyList<Footmark> Footmarks(Evidence evidence) => evidence switch
    {
        Footmark f => [f],
        BulkFootmark b => b.Footmarks,
        _ => [],
    };

    /// <summary>A footmark for an IP packet seen at a time: the packet in base64, from its IP header on.</summary>
    public static Footmark ToFootmark(ReadOnlySpan<byte> ipPacket, long timestampNs) =>
        new(new PacketDump(Convert.ToBase64String(ipPacket), DumpEncoding.Base64, DumpHeader.Ip, 0, (uint)ipPacket.Length),
            TimeVal.FromUnixNs(timestampNs));

    /// <summary>The evidence of several packets: one Footmark, or a BulkFootmark.</summary>
    public static Evidence ToEvidence(IReadOnlyList<Footmark> footmarks, TimeVal assembled) =>
        footmarks.Count == 1 ? footmarks[0] : new BulkFootmark([.. footmarks], assembled);

    /// <summary>
    /// The footmarks' packets as traceback systems look them up (null where a dump holds none); for an AppFootmark, the reflection
    /// requests it names (<see cref="Requests"/>).
    /// </summary>
    public static IReadOnlyList<TracedPacket?> Packets(Evidence evidence) => evidence is AppFootmark app
        ? [.. Requests(app).Select(r => HashBytes(r.Hash) is { } hash
            ? TracedPacket.OfRequest(hash, r.Headers is { Header: DumpHeader.Ip } headers ? Bytes(headers) : null, At(app.TimeStamp)) : null)]
        : [.. Footmarks(evidence).Select(Packet)];

    /// <summary>How many items the evidence holds: footmarks, or the requests an AppFootmark names.</summary>
    public static int Count(Evidence evidence) => evidence is AppFootmark app ? Requests(app).Count : Footmarks(evidence).Count;

    /// <summary>
    /// The reflection requests an AppFootmark names (docs/protocol.md, "Reflection"): its PayloadHash, then the PayloadHash of each
    /// other TranslateInfo of Border V4Reflection or V6Reflection; each with the request's IP and UDP headers where a TranslateInfo of its
    /// hash carries them as its PacketDump.
    /// </summary>
    public static IReadOnlyList<(PayloadHash Hash, PacketDump? Headers)> Requests(AppFootmark app)
    {
        var named = app.Translations.Where(t => t.Border is TranslationKind.V4Reflection or TranslationKind.V6Reflection && t.PayloadHash is not null)
            .ToList();
        return
        [
            (app.Hash, named.FirstOrDefault(t => t.PayloadHash!.Data == app.Hash.Data)?.PacketDump),
            .. named.Where(t => t.PayloadHash!.Data != app.Hash.Data).Select(t => (t.PayloadHash!, t.PacketDump)),
        ];
    }

    /// <summary>
    /// The evidence that names reflection requests: the first as the AppFootmark's PayloadHash, each as a TranslateInfo with its headers
    /// (the first again only to carry its headers).
    /// </summary>
    /// <param name="amplifierAs">The AS that reflected them, in each TranslateInfo.</param>
    public static AppFootmark RequestEvidence(IReadOnlyList<(PayloadHash Hash, PacketDump? Headers)> requests, uint amplifierAs, bool ipv6,
        TimeVal seen) =>
        new(requests[0].Hash, seen)
        {
            Translations = [.. requests.Where((r, i) => i > 0 || r.Headers is not null).Select(r => Translation(r, amplifierAs, ipv6))],
        };

    /// <summary>A reflection request as the trace names it: its key's hash and its IP and UDP headers (<see cref="ReflectionKey.RequestHeaders"/>).</summary>
    public static (PayloadHash Hash, PacketDump Headers) Request(ReflectionKey key)
    {
        byte[] headers = key.RequestHeaders();
        return (new PayloadHash(Convert.ToHexStringLower(key.Hash()), DumpEncoding.Sha256, (uint)key.ToBytes().Length),
            new PacketDump(Convert.ToBase64String(headers), DumpEncoding.Base64, DumpHeader.Ip, 0, (uint)headers.Length));
    }

    /// <summary>A request's TranslateInfo: Border V4Reflection or V6Reflection, the amplifier's AS, the request's hash and headers.</summary>
    public static TranslateInfo Translation((PayloadHash Hash, PacketDump? Headers) request, uint amplifierAs, bool ipv6) =>
        new(amplifierAs, ipv6 ? TranslationKind.V6Reflection : TranslationKind.V4Reflection) { PayloadHash = request.Hash, PacketDump = request.Headers };

    /// <summary>The items at <paramref name="indices"/> of the evidence (<see cref="Count"/>), as evidence of the same kind; null for none.</summary>
    public static Evidence? Select(Evidence evidence, IReadOnlyList<int> indices, TimeVal assembled)
    {
        if (evidence is AppFootmark app)
        {
            var requests = Requests(app);
            var chosen = indices.Where(i => i < requests.Count).Select(i => requests[i]).ToList();
            var reflection = app.Translations.FirstOrDefault(t => t.Border is TranslationKind.V4Reflection or TranslationKind.V6Reflection);
            return chosen.Count == 0 ? null : RequestEvidence(chosen, reflection?.AsNumber ?? 0,
                reflection?.Border == TranslationKind.V6Reflection, app.TimeStamp);
        }
        var footmarks = Footmarks(evidence);
        var picked = indices.Where(i => i < footmarks.Count).Select(i => footmarks[i]).ToList();
        return picked.Count == 0 ? null : ToEvidence(picked, assembled);
    }

    private static byte[]? HashBytes(PayloadHash hash)
    {
        try
        {
            return hash.Encoding == DumpEncoding.Sha256 && Convert.FromHexString(hash.Data.Trim()) is { Length: 32 } bytes ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A dump's bytes as its encoding gives them (the hash, for md5, sha1, sha-256); null when they are not of that encoding.</summary>
    private static byte[]? Bytes(PacketDump dump)
    {
        try
        {
            return dump.Encoding is DumpEncoding.Base64 ? Convert.FromBase64String(dump.Data) : Convert.FromHexString(dump.Data.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static long? At(TimeVal time) => time.IsUnknown ? null : time.ToUnixNs();

    /// <summary>
    /// A footmark's IP packet, or the hash sent instead of it (md5, sha1, sha-256: only a system
    /// keyed by that hash can look it up), and its time; null when the dump holds neither.
    /// </summary>
    public static TracedPacket? Packet(Footmark footmark)
    {
        long? at = footmark.TimeStamp.IsUnknown ? null : footmark.TimeStamp.ToUnixNs();
        var dump = footmark.Dump;
        if (Bytes(dump) is not { } bytes)
        {
            return null;
        }
        if (dump.Encoding is DumpEncoding.Md5 or DumpEncoding.Sha1 or DumpEncoding.Sha256)
        {
            int length = dump.Encoding switch { DumpEncoding.Md5 => 16, DumpEncoding.Sha1 => 20, _ => 32 };
            return bytes.Length == length ? TracedPacket.OfDigest(new PacketDigest(dump.Encoding, bytes), at) : null;
        }
        int offset = dump.Header == DumpHeader.Ip ? 0 : IpLocator.FindIp(bytes, LinkType.Ethernet);
        if (bytes.Length == 0 || offset < 0 || (bytes[offset] >> 4) is not (4 or 6))
        {
            return null;
        }
        return new TracedPacket(bytes[offset..], at);
    }

    /// <summary>
    /// The evidence's packets a system can look up, with their footmark indices, and why it cannot
    /// look up the others (<see cref="ILinkEvidence.CannotLookUp"/>); footmarks holding no packet are left out.
    /// </summary>
    public static (List<(int Index, TracedPacket Packet)> Packets, List<string> Cannot) LookUpable(Evidence evidence, ILinkEvidence system)
    {
        var packets = new List<(int, TracedPacket)>();
        var cannot = new List<string>();
        var all = Packets(evidence);
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i] is not { } packet)
            {
                continue;
            }
            if (system.CannotLookUp(packet) is { } why)
            {
                cannot.Add(why);
            }
            else
            {
                packets.Add((i, packet));
            }
        }
        return (packets, cannot);
    }

    /// <summary>Option <c>not-looked-up</c>: how many packets a system could not look up at all, and why (the first reason).</summary>
    public static IEnumerable<MessageOption> NotLookedUp(IReadOnlyList<string> reasons) =>
        reasons.Count == 0 ? [] : [new MessageOption("not-looked-up", $"{reasons.Count}: {reasons[0]}")];

    // The BTM tells its ITM which footmarks entered from which neighbour in Options
    // ("entered-from:AS" = comma-separated footmark indices), a schema-valid extension: the ITM
    // then forwards to each upstream ITM only the footmarks of that neighbour.
    internal const string EnteredFromOption = "entered-from:";

    public static MessageOption EnteredFrom(uint neighborAs, IEnumerable<int> footmarkIndices) =>
        new(EnteredFromOption + neighborAs.ToString(CultureInfo.InvariantCulture), string.Join(',', footmarkIndices));

    /// <summary>The footmark indices the BTM attributed to a neighbour; null when it did not say.</summary>
    public static IReadOnlyList<int>? EnteredFromIndices(IEnumerable<MessageOption> options, uint neighborAs) =>
        Indices(options, EnteredFromOption + neighborAs.ToString(CultureInfo.InvariantCulture));

    /// <summary>The footmark indices an option of that type lists (comma-separated); null when there is none.</summary>
    internal static IReadOnlyList<int>? Indices(IEnumerable<MessageOption> options, string type)
    {
        var option = options.FirstOrDefault(o => o.Type == type);
        if (option is null)
        {
            return null;
        }
        var indices = new List<int>();
        foreach (var part in option.Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                indices.Add(index);
            }
        }
        return indices;
    }
}
