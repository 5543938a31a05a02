using InterTrack.Node.Tracing;

namespace InterTrack.Node.Kinds;

/// <summary>
/// One router a packet crosses in an emulated AS: where it came from and where it goes (another router,
/// <see cref="EmulatedDomain.Hosts"/>, or "as:N").
/// </summary>
public readonly record struct EmulatedHop(string Router, string From, string To)
{
    public bool FromOtherAs => From.StartsWith("as:", StringComparison.Ordinal);

    public bool ToOtherAs => To.StartsWith("as:", StringComparison.Ordinal);
}

/// <summary>
/// An AS of the emulated data plane as the systems it runs see it: a border router "bN" per
/// neighbour AS N the traffic uses, a core router, and an access router for its hosts.
/// </summary>
public sealed class EmulatedDomain(uint asNumber)
{
    public const string Core = "core", Access = "acc", Hosts = RouterIngress.Hosts;
    private readonly SortedSet<uint> _neighbors = [];

    public uint AsNumber => asNumber;

    /// <summary>The neighbour ASes the traffic crossed to or from, in order.</summary>
    public IReadOnlyCollection<uint> Neighbors => _neighbors;

    public void Neighbor(uint neighbor) => _neighbors.Add(neighbor);

    public static string Border(uint neighbor) => $"b{neighbor}";

    public static bool IsBorder(string router) => router[0] == 'b';

    /// <summary>A router's ingress link as systems inside the AS name it: "ROUTER&lt;-FROM".</summary>
    public static string IngressLink(string router, string from) => $"{router}<-{from}";

    /// <summary>
    /// The links a packet's hops through the AS cross, as the systems that record per link name them: each router's ingress link
    /// for a system inside (<paramref name="ts"/>), the border links in and out for a border system (<paramref name="bts"/>).
    /// </summary>
    public static IEnumerable<string> LinksCrossed(IReadOnlyList<EmulatedHop> hops, bool ts, bool bts)
    {
        foreach (var hop in hops)
        {
            if (ts)
            {
                yield return IngressLink(hop.Router, hop.From);
            }
            if (bts && hop.FromOtherAs)
            {
                yield return BorderLinkName(hop.Router, hop.From, BorderDirection.In);
            }
            if (bts && hop.ToOtherAs)
            {
                yield return BorderLinkName(hop.Router, hop.To, BorderDirection.Out);
            }
        }
    }

    /// <summary>A border link as border systems name it, apart from the router's ingress link inside: "bts:bN&lt;-as:N", "bts:bN-&gt;as:N".</summary>
    public static string BorderLinkName(string router, string peer, BorderDirection direction) =>
        "bts:" + (direction == BorderDirection.In ? IngressLink(router, peer) : $"{router}->{peer}");

    /// <summary>
    /// The routers with their ingress links, as a DTM floods them; <paramref name="link"/> names a router's link from a
    /// peer as the system records it.
    /// </summary>
    public IReadOnlyList<DomainRouter> Routers(Func<string, string, string> link)
    {
        RouterIngress In(string router, string from) => new(link(router, from), from);
        return
        [
            .. _neighbors.Select(n => new DomainRouter(Border(n), [In(Border(n), Core), In(Border(n), $"as:{n}")])),
            new DomainRouter(Core, [.. _neighbors.Select(n => In(Core, Border(n))), In(Core, Access)]),
            new DomainRouter(Access, [In(Access, Hosts), In(Access, Core)]),
        ];
    }

    /// <summary>Floods start where flows leave (border routers) or end (the access router, at the victim).</summary>
    public IReadOnlyList<string> StartRouters() => [.. _neighbors.Select(Border), Access];

    /// <summary>The border links per neighbour, in and out, as a BTM classifies them; <paramref name="link"/> names one as the system records it.</summary>
    public IReadOnlyList<BorderLink> BorderLinks(Func<string, string, BorderDirection, string> link) =>
    [
        .. _neighbors.SelectMany(n => new[]
        {
            new BorderLink(link(Border(n), $"as:{n}", BorderDirection.In), n, BorderDirection.In),
            new BorderLink(link(Border(n), $"as:{n}", BorderDirection.Out), n, BorderDirection.Out),
        }),
    ];
}
