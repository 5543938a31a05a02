namespace InterTrack.Node.Managers;

/// <summary>A client's trace the D Point is working on: since when, and its message id once the ITM issued one.</summary>
public sealed class TraceInFlight(long sequence, string client, DateTimeOffset started, int packets)
{
    public long Sequence => sequence;
    public string Client => client;
    public DateTimeOffset Started => started;
    public int Packets => packets;
    public string? MessageId { get; internal set; }
}
