using InterTrack.Tracing;
using InterTrack.Digest;
using InterTrack.Managers;

namespace InterTrack.Emulation;

/// <summary>
/// One AS of the emulated data plane: a border router "bN" per neighbour AS N the traffic uses,
/// a core router, and an access router "acc" for its hosts; and the digest tables of the links
/// its deployment digests.
/// </summary>
internal sealed class EmulatedAs(uint asNumber, bool bts, bool ts)
{
    private readonly SortedSet<uint> _neighbors = [];

    public uint AsNumber => asNumber;
    public bool Bts => bts;
    public bool Ts => ts;

    // Small pages: a link of the emulation sees thousands of packets, and there are thousands of links.
    public TableSet Digests { get; } = new(new DigestOptions { PageCapacity = 8_192, BitsPerPacket = 16, Hashes = 4, MemoryBudgetBytes = 1 << 20 });

    public void Neighbor(uint neighbor) => _neighbors.Add(neighbor);

    /// <summary>
    /// Digests a packet on a link. Router ingress links are the TS's (<paramref name="internalLink"/>);
    /// the border links (ingress from and egress to a neighbour) are the BTS's.
    /// </summary>
    public void Digest(string link, byte[] invariant, long ns, bool internalLink)
    {
        if (internalLink ? ts : bts)
        {
            Digests.Add(internalLink ? link : BorderName(link), invariant, ns);
        }
    }

    // A border link's BTS table is kept apart from the router's TS table of the same ingress.
    private static string BorderName(string link) => "bts:" + link;

    public IReadOnlyList<BorderLink> BorderLinks() =>
    [
        .. _neighbors.SelectMany(n => new[]
        {
            new BorderLink(BorderName($"b{n}<-as:{n}"), n, BorderDirection.In),
            new BorderLink(BorderName($"b{n}->as:{n}"), n, BorderDirection.Out),
        }),
    ];

    public IReadOnlyList<DomainRouter> Routers() =>
    [
        .. _neighbors.Select(n => new DomainRouter($"b{n}", [new($"b{n}<-core", "core"), new($"b{n}<-as:{n}", $"as:{n}")])),
        new DomainRouter("core", [.. _neighbors.Select(n => new RouterIngress($"core<-b{n}", $"b{n}")), new RouterIngress("core<-acc", "acc")]),
        new DomainRouter("acc", [new("acc<-hosts", RouterIngress.Hosts), new("acc<-core", "core")]),
    ];

    /// <summary>Floods start where flows leave (border routers) or end (the access router, at the victim).</summary>
    public IReadOnlyList<string> StartRouters() => [.. _neighbors.Select(n => $"b{n}"), "acc"];
}
