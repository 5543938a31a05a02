namespace InterTrack.Protocol;

/// <summary>
/// Caps on what a peer may send in one message. Every length a peer controls is checked against
/// one of these before it costs memory.
/// </summary>
public sealed record ProtocolLimits
{
    public static ProtocolLimits Default { get; } = new();

    /// <summary>Bytes of one XML document on the wire, checked while the frame is scanned.</summary>
    public int MaxMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Element nesting depth. The deepest valid message nests about a dozen levels.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Footmarks (packets) in one message, all requests of an export counted together.</summary>
    public int MaxFootmarks { get; init; } = 10_000;

    /// <summary>AS entries of inter-AS results in one message.</summary>
    public int MaxAses { get; init; } = 16_384;

    public void Validate()
    {
        if (MaxMessageBytes < 1024) throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, "must be at least 1024");
        if (MaxDepth < 16) throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, "must be at least 16");
        if (MaxFootmarks < 1) throw new ArgumentOutOfRangeException(nameof(MaxFootmarks), MaxFootmarks, "must be positive");
        if (MaxAses < 1) throw new ArgumentOutOfRangeException(nameof(MaxAses), MaxAses, "must be positive");
    }
}
