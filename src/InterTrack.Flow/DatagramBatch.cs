using System.Net;

namespace InterTrack.Flow;

/// <summary>
/// Export datagrams received back to back, then the records decoded from them: what the collector's stages hand on
/// (receive → decode → store → receive again). A batch is reused, so a run allocates nothing per datagram.
/// </summary>
internal sealed class DatagramBatch
{
    /// <summary>Bytes for datagrams, and the most one UDP datagram can carry.</summary>
    public const int Bytes = 1 << 18, MaxDatagram = 1 << 16;
    public readonly byte[] Buffer = new byte[Bytes];
    public readonly List<(int Offset, int Length, IPEndPoint From)> Datagrams = [];
    /// <summary>
    /// Sized for a full batch of typical exports (~30 records a 1,400-byte datagram): growing it in the first seconds cost
    /// garbage collections that stalled receiving.
    /// </summary>
    public readonly List<FlowRecord> Records = new(Bytes / 40);
    /// <summary>Per decoded message: whose it is and its records in <see cref="Records"/> (for counting what was stored).</summary>
    public readonly List<(IPAddress Exporter, ExporterCounters Counters, int From, int Count)> Messages = [];
    public int Used;

    /// <summary>Adds a copy of the datagram; false when it does not fit (the batch is full).</summary>
    public bool TryAdd(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (Bytes - Used < datagram.Length)
        {
            return false;
        }
        datagram.CopyTo(Buffer.AsSpan(Used));
        Datagrams.Add((Used, datagram.Length, from));
        Used += datagram.Length;
        return true;
    }

    public ReadOnlySpan<byte> Datagram(int i) => Buffer.AsSpan(Datagrams[i].Offset, Datagrams[i].Length);

    public void Clear()
    {
        Datagrams.Clear();
        Records.Clear();
        Messages.Clear();
        Used = 0;
    }
}
