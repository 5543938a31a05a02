namespace InterTrack.Protocol.Model;

/// <summary>The bytes of a packet (or their digest), encoded as the attributes say.</summary>
public sealed record PacketDump(string Data, DumpEncoding Encoding, DumpHeader Header, ushort IfType, uint PayloadLength);

/// <summary>A hash of an application payload.</summary>
public sealed record PayloadHash(string Data, DumpEncoding Encoding, uint PayloadLength);

/// <summary>An address translation the packet went through on its way (NAT, v4/v6, VPN, reflection).</summary>
public sealed record TranslateInfo(uint AsNumber, TranslationKind Border)
{
    public PacketDump? PacketDump { get; init; }
    public PayloadHash? PayloadHash { get; init; }
}

/// <summary>
/// The packet evidence of a trace request: the schema's Footmark group (one of Footmark,
/// BulkFootmark, AppFootmark), named by the Footmark_type attribute of the request.
/// </summary>
public abstract record Evidence
{
    /// <summary>Number of single-packet footmarks this evidence carries (for request caps).</summary>
    public abstract int FootmarkCount { get; }
}

/// <summary>One packet and the time it was seen.</summary>
public sealed record Footmark(PacketDump Dump, TimeVal TimeStamp) : Evidence
{
    public ValueList<TranslateInfo> Translations { get; init; } = [];

    public override int FootmarkCount => 1;
}

/// <summary>Many packets of one attack, with the time the bulk was assembled.</summary>
public sealed record BulkFootmark(ValueList<Footmark> Footmarks, TimeVal TimeStamp) : Evidence
{
    public override int FootmarkCount => Footmarks.Count;
}

/// <summary>An application payload hash and the time it was seen.</summary>
public sealed record AppFootmark(PayloadHash Hash, TimeVal TimeStamp) : Evidence
{
    public ValueList<TranslateInfo> Translations { get; init; } = [];

    public override int FootmarkCount => 1;
}
