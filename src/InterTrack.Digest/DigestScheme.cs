namespace InterTrack.Digest;

/// <summary>
/// What a digest table is keyed by. <see cref="Xxh3"/>: the packet's invariant bytes
/// (<see cref="PacketInvariant"/>), the default. <see cref="PackterMd5"/>: the MD5 of the
/// historic InterTrack client's invariant (<see cref="PackterMd5"/>), so that a trace request
/// carrying only that MD5 (<c>encodetype="md5"</c>) can be looked up. Either way the key is
/// hashed with the table's seed into the Bloom positions (<see cref="DigestPage.Hash"/>).
/// </summary>
public enum DigestScheme : byte
{
    Xxh3 = 0,
    PackterMd5 = 1,
}

public static class DigestSchemes
{
    /// <summary>Longest key of any scheme, for stack buffers.</summary>
    public const int MaxKeyLength = PacketInvariant.MaxLength;

    public static string Name(this DigestScheme scheme) => scheme == DigestScheme.PackterMd5 ? "packter-md5" : "xxh3";

    public static bool TryParse(string? text, out DigestScheme scheme)
    {
        (bool ok, scheme) = text switch
        {
            "xxh3" => (true, DigestScheme.Xxh3),
            "packter-md5" => (true, DigestScheme.PackterMd5),
            _ => (false, DigestScheme.Xxh3),
        };
        return ok;
    }

    /// <summary>The key of an IP packet (from its first header byte) in <paramref name="output"/>; 0 when it is not a whole IP header.</summary>
    public static int KeyFromIp(this DigestScheme scheme, ReadOnlySpan<byte> packet, Span<byte> output) =>
        scheme == DigestScheme.PackterMd5 ? PackterMd5.FromIp(packet, output) : PacketInvariant.FromIp(packet, output);

    /// <summary>The key of the IP packet in a link-layer frame; 0 when the frame holds no IP packet.</summary>
    public static int KeyFromFrame(this DigestScheme scheme, ReadOnlySpan<byte> frame, Packets.Capture.LinkType link, Span<byte> output)
    {
        int offset = Packets.Capture.IpLocator.FindIp(frame, link);
        return offset < 0 ? 0 : scheme.KeyFromIp(frame[offset..], output);
    }
}
