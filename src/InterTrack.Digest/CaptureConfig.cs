namespace InterTrack.Digest;

/// <summary>
/// The node's own capture agent (<c>capture</c> in the node configuration): it digests every packet on
/// <see cref="Interfaces"/> into pages in <see cref="Out"/>.
/// </summary>
internal sealed record CaptureConfig
{
    public List<string> Interfaces { get; init; } = [];
    public string Out { get; init; } = "";
    /// <summary>
    /// What the pages are keyed by: "xxh3" (the packet's invariant bytes), or "packter-md5" (the historic client's MD5,
    /// so its md5 requests can be traced).
    /// </summary>
    public string Hash { get; init; } = "xxh3";
}
