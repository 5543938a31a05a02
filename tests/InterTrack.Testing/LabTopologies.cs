namespace InterTrack.Testing;

/// <summary>Topologies the lab's tests lay out (CAIDA as-rel).</summary>
internal static class LabTopologies
{
    /// <summary>
    /// Two transits (65002, 65003; peers), a victim (65001) and a multihomed attacker (65004) under both, and a stub (65005)
    /// under 65003: the picture in TracebackLabTests.
    /// </summary>
    public const string FiveAses = """
        # provider|customer|-1, peer|peer|0
        65002|65001|-1
        65003|65001|-1
        65002|65003|0
        65002|65004|-1
        65003|65004|-1
        65003|65005|-1
        """;
}
