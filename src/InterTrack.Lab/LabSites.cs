using InterTrack.Node.Kinds;

namespace InterTrack.Lab;

/// <summary>An AS of the lab as its kind of traceback system sees it (<see cref="ILabKind"/>).</summary>
internal static class LabSites
{
    /// <param name="intertrack">How to start the intertrack command.</param>
    /// <param name="interfaceIndexes">The kernel's interface indexes of a router, by name (default: read from its running namespace).</param>
    public static LabAsSite Of(LabPlan plan, LabAs labAs, IReadOnlyList<string> intertrack,
        Func<LabRouter, IReadOnlyDictionary<string, int>>? interfaceIndexes = null)
    {
        interfaceIndexes ??= r => LabNetwork.InterfaceIndexes(r.Namespace);
        var routers = labAs.Routers.Select(r =>
        {
            var indexes = interfaceIndexes(r);
            return new LabRouterSite(r.Name, r.Namespace, r.Loopback, [.. r.Interfaces.Select(i => new LabInterfaceSite(i.Name, indexes[i.Name]))]);
        }).ToList();
        return new LabAsSite(labAs.Number, plan.AsDirectory(labAs.Number), labAs.ItmAddress, routers, intertrack);
    }
}
