using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;

namespace InterTrack.Flow;

/// <summary>
/// Logs what the collector lost since the last report, once per <see cref="Interval"/> (not per
/// datagram): per exporter, records (IPFIX) and export packets (v9) missing from its sequence
/// numbers; per UDP socket, datagrams the kernel dropped. Nothing when nothing was lost.
/// </summary>
internal sealed class LossLog(ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly Dictionary<IPAddress, (long Records, long Packets)> _exporters = [];
    private readonly Dictionary<IPEndPoint, long> _sockets = [];

    public void Report(IReadOnlyDictionary<IPAddress, ExporterCounters> exporters, IReadOnlyDictionary<IPEndPoint, long> kernelDrops)
    {
        int seconds = (int)Interval.TotalSeconds;
        foreach (var (exporter, counters) in exporters)
        {
            var now = (counters.LostRecords, counters.LostPackets);
            var before = _exporters.GetValueOrDefault(exporter);
            _exporters[exporter] = now;
            if (Describe(now.LostRecords - before.Records, now.LostPackets - before.Packets) is { } lost)
            {
                CollectorLog.SequenceGaps(logger, exporter, lost, seconds);
            }
        }
        foreach (var (socket, drops) in kernelDrops)
        {
            long dropped = drops - _sockets.GetValueOrDefault(socket);
            _sockets[socket] = drops;
            if (dropped > 0)
            {
                CollectorLog.KernelDrops(logger, socket, dropped, seconds);
            }
        }
    }

    /// <summary>"N records", "N export packets", both, or null for none.</summary>
    public static string? Describe(long records, long packets)
    {
        var parts = new List<string>(2);
        if (records > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{records} records"));
        }
        if (packets > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{packets} export packets"));
        }
        return parts.Count == 0 ? null : string.Join(" and ", parts);
    }
}
