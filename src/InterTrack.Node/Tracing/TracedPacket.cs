using InterTrack.Protocol.Model;

namespace InterTrack.Node.Tracing;

/// <summary>A hash of a packet that a client sent instead of the packet (the historic client's <c>encodetype="md5"</c>).</summary>
public sealed record PacketDigest(DumpEncoding Encoding, byte[] Bytes);

/// <summary>
/// One packet of a trace request as traceback systems look it up: its bytes from the IP header
/// on, or only a hash of it (<see cref="Digest"/>), and when the victim saw it (null: any time).
/// </summary>
public sealed class TracedPacket
{
    private object? _key;
    private bool _derived;

    public TracedPacket(byte[] ip, long? timestampNs)
    {
        Ip = ip;
        TimestampNs = timestampNs;
    }

    private TracedPacket(PacketDigest digest, long? timestampNs)
    {
        Digest = digest;
        TimestampNs = timestampNs;
    }

    private TracedPacket(byte[] requestHash, byte[]? requestHeaders, long? timestampNs)
    {
        RequestHash = requestHash;
        RequestHeaders = requestHeaders;
        TimestampNs = timestampNs;
    }

    /// <summary>A packet known only by a hash of it.</summary>
    public static TracedPacket OfDigest(PacketDigest digest, long? timestampNs) => new(digest, timestampNs);

    /// <summary>
    /// The reflection requests an amplifier answered, known by their key's hash (an AppFootmark's PayloadHash) and, when the trace
    /// carries them, their IP and UDP headers (<c>ReflectionKey.RequestHeaders</c>): followed upstream.
    /// </summary>
    public static TracedPacket OfRequest(byte[] hash, byte[]? headers, long? timestampNs) => new(hash, headers, timestampNs);

    /// <summary>The packet from its IP header on; null when only its <see cref="Digest"/> is known.</summary>
    public byte[]? Ip { get; }

    public PacketDigest? Digest { get; }

    /// <summary>SHA-256 of a reflection request's key (<c>ReflectionKey.Hash</c>) when this stands for requests, not a packet; else null.</summary>
    public byte[]? RequestHash { get; }

    /// <summary>
    /// The requests' IP and UDP headers, as their key gives them (victim:port → reflector:service, no payload): what systems keyed by
    /// addresses and ports look requests up by; null when the trace carried only the hash, or this is a packet.
    /// </summary>
    public byte[]? RequestHeaders { get; }

    public long? TimestampNs { get; }

    /// <summary>
    /// The packet as the asking system keys it (a digest's keys, a flow's 5-tuple; null when it
    /// has none), derived once per packet: a request is asked on many links, by one system at a time.
    /// </summary>
    public T? Key<T>(Func<TracedPacket, T?> derive) where T : class
    {
        if (!_derived || _key is not null and not T)
        {
            _key = derive(this);
            _derived = true;
        }
        return _key as T;
    }
}
