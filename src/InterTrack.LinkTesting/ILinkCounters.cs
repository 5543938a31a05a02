namespace InterTrack.LinkTesting;

/// <summary>Where input debugging reads its per-link counters: the emulator's forwarding, or the routers' nftables.</summary>
internal interface ILinkCounters
{
    /// <summary>
    /// When counting began (ns since the epoch): an absent counter says nothing about packets
    /// before it.
    /// </summary>
    long SinceNs { get; }

    /// <summary>
    /// Packets matching <paramref name="signature"/> seen on the link, and when the last one was;
    /// null when the counters cannot be read now, which is not a "no".
    /// </summary>
    CounterReading? Read(string link, AttackSignature signature);

    /// <summary>As <see cref="Read"/>, over all links together: whether the attack crosses any of them.</summary>
    CounterReading? ReadAnyLink(AttackSignature signature);
}

/// <summary>
/// What the counters held for an attack signature: matching packets, when the last one crossed
/// (null: none), and when the counters were read (ns since the epoch).
/// </summary>
internal readonly record struct CounterReading(long Packets, long? LastNs, long ReadNs)
{
    /// <summary>A counter as read (null: there is none, so no packet and no last time).</summary>
    public static CounterReading Of((long Packets, long LastNs)? counter, long readNs) => new(counter?.Packets ?? 0, counter?.LastNs, readNs);
}
