namespace InterTrack.Transport;

/// <summary>
/// The historic InterTrack ports, now spoken over mutual TLS, plus the
/// plain-TCP port for legacy clients of the D Point, which is off unless configured.
/// </summary>
public static class DefaultPorts
{
    public const int Itm = 9001;
    public const int Btm = 9002;
    public const int Dtm = 9003;
    /// <summary>D Point, for its ITM.</summary>
    public const int DPointFromItm = 9004;
    /// <summary>D Point, for Traceback Clients (TLS).</summary>
    public const int DPointFromClients = 9005;
    /// <summary>D Point, for legacy clients without TLS: off by default, on loopback when on.</summary>
    public const int DPointLegacyClients = 9006;
}
