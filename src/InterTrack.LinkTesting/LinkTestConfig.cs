namespace InterTrack.LinkTesting;

/// <summary>
/// Link testing (input debugging) on this AS's routers (<c>linktest</c> in the node configuration):
/// the node installs nftables counters of attack signatures per interface on each router and
/// reads them while a trace asks; links are "INTERFACE:in" and "INTERFACE:out".
/// </summary>
internal sealed record LinkTestConfig
{
    /// <summary>How recent traffic must be for a link to count as carrying the attack: the attack must still be on.</summary>
    public double WindowSeconds { get; init; } = 10;
    public List<LinkTestRouterConfig> Routers { get; init; } = [];
}

internal sealed record LinkTestRouterConfig
{
    public string Name { get; init; } = "";
    /// <summary>How to run nft on the router: the program and its first arguments ("nft" here, "ip netns exec NS nft", "ssh ROUTER nft").</summary>
    public List<string> Nft { get; init; } = ["nft"];
}
