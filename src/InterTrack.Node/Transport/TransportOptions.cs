using InterTrack.Protocol;

namespace InterTrack.Node.Transport;

/// <summary>Timeouts and bounds of a connection. Defaults suit Internet paths between ASes.</summary>
public sealed record TransportOptions
{
    public static TransportOptions Default { get; } = new();

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that has not finished its TLS handshake by then is closed (short: a pending handshake holds a slot).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A connection with no message for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A message must arrive whole within this time of its first byte (defeats slow senders).</summary>
    public TimeSpan MessageTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages waiting to be written; a sender waits when it is full.</summary>
    public int SendQueueCapacity { get; init; } = 64;

    /// <summary>How long a send may wait for queue space before the peer is deemed stuck and dropped.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Authenticated connections a listener serves at once; a peer beyond them is refused after its handshake.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>
    /// Connections still in their handshake, in all; more are closed on accept. They are counted
    /// apart from <see cref="MaxConnections"/>, so sockets that never authenticate cannot take the
    /// places of peers that did.
    /// </summary>
    public int MaxPendingHandshakes { get; init; } = 128;

    /// <summary>Handshakes pending from one IP address; more from it are closed on accept, so one address cannot hold them all.</summary>
    public int MaxPendingPerSource { get; init; } = 8;

    public ProtocolLimits Limits { get; init; } = ProtocolLimits.Default;

    public void Validate()
    {
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(HandshakeTimeout, nameof(HandshakeTimeout));
        Positive(IdleTimeout, nameof(IdleTimeout));
        Positive(MessageTimeout, nameof(MessageTimeout));
        Positive(SendTimeout, nameof(SendTimeout));
        if (SendQueueCapacity < 1) throw new ArgumentOutOfRangeException(nameof(SendQueueCapacity), SendQueueCapacity, "must be positive");
        if (MaxConnections < 1) throw new ArgumentOutOfRangeException(nameof(MaxConnections), MaxConnections, "must be positive");
        if (MaxPendingHandshakes < 1) throw new ArgumentOutOfRangeException(nameof(MaxPendingHandshakes), MaxPendingHandshakes, "must be positive");
        if (MaxPendingPerSource < 1) throw new ArgumentOutOfRangeException(nameof(MaxPendingPerSource), MaxPendingPerSource, "must be positive");
        Limits.Validate();
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(name, value, "must be positive");
    }
}
