namespace InterTrack.Digest;

/// <summary>
/// A traced packet as digest pages of each scheme key it: from the packet itself (any scheme,
/// derived on first use), or only the packter MD5 a historic client sent (that scheme alone).
/// </summary>
public sealed class DigestKeys
{
    private readonly byte[]? _ip;
    private byte[]? _invariant, _md5;

    private DigestKeys(byte[]? ip, byte[]? md5)
    {
        _ip = ip;
        _md5 = md5;
    }

    /// <summary>The packet itself, when known (not only its MD5).</summary>
    public byte[]? Packet => _ip;

    /// <summary>Keys of an IP packet (from its first header byte).</summary>
    public static DigestKeys OfPacket(byte[] ip) => new(ip, null);

    /// <summary>Keys of a packet known only by its packter MD5 (16 bytes).</summary>
    public static DigestKeys OfPackterMd5(byte[] md5) =>
        md5.Length == PackterMd5.Length ? new(null, md5) : throw new ArgumentException("a packter MD5 has 16 bytes", nameof(md5));

    /// <summary>Whether pages of <paramref name="scheme"/> can be asked about this packet.</summary>
    public bool Has(DigestScheme scheme) => _ip is not null || scheme == DigestScheme.PackterMd5;

    /// <summary>The key for pages of <paramref name="scheme"/>; empty when there is none (not a whole IP header, or only an MD5 is known).</summary>
    public byte[] For(DigestScheme scheme) => scheme switch
    {
        DigestScheme.PackterMd5 => _md5 ??= _ip is null ? [] : PackterMd5.Of(_ip),
        _ => _invariant ??= _ip is null ? [] : PacketInvariant.Of(_ip),
    };
}
