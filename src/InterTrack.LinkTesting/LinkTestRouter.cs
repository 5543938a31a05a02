namespace InterTrack.LinkTesting;

/// <summary>
/// A router whose interfaces input debugging watches, and how to run nft on it (e.g. ["nft"], ["ip", "netns", "exec",
/// "r2", "nft"], ["ssh", "r2", "nft"]).
/// </summary>
internal sealed record LinkTestRouter(string Name, IReadOnlyList<string> Nft);
