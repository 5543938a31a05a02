namespace InterTrack.Packets.Capture;

/// <summary>
/// One frame from a capture. <see cref="Data"/> points into the reader's buffer and is valid
/// until the next read: nothing is copied per packet.
/// </summary>
public readonly ref struct CapturedPacket(ReadOnlySpan<byte> data, long timestampNs, LinkType linkType, int interfaceId, uint originalLength)
{
    public ReadOnlySpan<byte> Data { get; } = data;

    /// <summary>Capture time in nanoseconds since the Unix epoch.</summary>
    public long TimestampNs { get; } = timestampNs;

    public LinkType LinkType { get; } = linkType;

    /// <summary>The pcapng interface the frame was captured on; 0 for pcap.</summary>
    public int InterfaceId { get; } = interfaceId;

    public uint OriginalLength { get; } = originalLength;
}
