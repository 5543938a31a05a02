namespace InterTrack.Marking;

/// <summary>
/// Deterministic packet marking (Belenky and Ansari, 2003): the ingress edge router of the
/// marking domain writes, into every packet, one 16-bit half of its ingress interface's IPv4
/// address in the identification field, and which half in the reserved flag bit (0: upper, 1: lower).
/// Two halves, each with probability 1/2 per packet: 3 packets on average give both.
/// </summary>
internal static class DeterministicMarking
{
    /// <summary>What the ingress edge router writes: the identification field and the reserved flag.</summary>
    public static (ushort Id, bool Lower) Mark(uint interfaceAddress, Random random)
    {
        bool lower = random.Next(2) == 1;
        return ((ushort)(lower ? interfaceAddress : interfaceAddress >> 16), lower);
    }

    /// <summary>
    /// The ingress interfaces the marks name, among <paramref name="interfaces"/> (the marking
    /// domain knows its own ingress addresses, which resolves pairs of halves that several
    /// interfaces' marks would otherwise leave ambiguous): those whose both halves arrived.
    /// </summary>
    public static IReadOnlyList<uint> Reconstruct(IEnumerable<(ushort Id, bool Lower)> marks, IEnumerable<uint> interfaces)
    {
        var upper = new HashSet<ushort>();
        var lower = new HashSet<ushort>();
        foreach (var (id, isLower) in marks)
        {
            (isLower ? lower : upper).Add(id);
        }
        return [.. interfaces.Where(a => upper.Contains((ushort)(a >> 16)) && lower.Contains((ushort)a))];
    }
}
