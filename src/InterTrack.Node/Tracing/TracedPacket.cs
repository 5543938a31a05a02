namespace InterTrack.Tracing;

/// <summary>
/// One packet of a trace request as traceback systems look it up: its bytes from the IP header
/// on and when the victim saw it (null: any time).
/// </summary>
public sealed class TracedPacket(byte[] ip, long? timestampNs)
{
    private object? _key;

    public byte[] Ip => ip;

    public long? TimestampNs => timestampNs;

    /// <summary>
    /// The packet as the asking system keys it (a digest's invariant bytes, a flow's 5-tuple),
    /// derived once per packet: a request is asked on many links, by one system at a time.
    /// </summary>
    public T Key<T>(Func<byte[], T> derive) where T : class =>
        _key as T ?? (T)(_key = derive(ip));
}
