namespace InterTrack.Flow;

/// <summary>
/// A flow collector (IPFIX and NetFlow v9) in the node (<c>collector</c> in the node configuration):
/// UDP on <see cref="Listen"/>, IPFIX over TCP on <see cref="Tcp"/> when set; records are stored in <see cref="Out"/>.
/// </summary>
internal sealed record CollectorConfig
{
    public string Listen { get; init; } = "0.0.0.0:4739";
    public string? Tcp { get; init; }
    public string Out { get; init; } = "";
}
