namespace InterTrack.LinkTesting;

/// <summary>Where input debugging reads its per-link counters: the emulator's forwarding, or the routers' nftables.</summary>
public interface ILinkCounters
{
    /// <summary>
    /// Packets matching <paramref name="signature"/> seen on the link, and when the last one was
    /// ((0, null) when none); null when the counters cannot be read now, which is not a "no".
    /// </summary>
    (long Packets, long? LastNs)? Read(string link, AttackSignature signature);
}
