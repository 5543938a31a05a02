using System.Net;
using InterTrack.Node.Tracing;

namespace InterTrack.Node.Managers;

/// <summary>
/// The spoofing notices an ITM received for its AS's addresses (<see cref="SpoofNotice"/>), at most
/// <c>capacity</c>: the oldest go first, so a flood of notices costs memory once. Thread-safe.
/// </summary>
public sealed class SpoofNoticeBoard(int capacity = SpoofNoticeBoard.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    /// <summary>How far outside a notice's window a traced packet may lie and still be covered: the notifier's clock and the path's delay.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(10);

    private readonly Dictionary<IPAddress, List<SpoofNotice>> _byDestination = [];
    private readonly Queue<SpoofNotice> _order = new();

    public int Count
    {
        get { lock (_order) return _order.Count; }
    }

    public void Add(SpoofNotice notice)
    {
        lock (_order)
        {
            _order.Enqueue(notice);
            if (!_byDestination.TryGetValue(notice.Destination, out var list))
            {
                _byDestination[notice.Destination] = list = [];
            }
            list.Add(notice);
            if (_order.Count > capacity && _order.Dequeue() is var oldest && _byDestination[oldest.Destination] is var theirs)
            {
                theirs.Remove(oldest);
                if (theirs.Count == 0)
                {
                    _byDestination.Remove(oldest.Destination);
                }
            }
        }
    }

    /// <summary>The ASes that sent a notice covering any of the packets: same destination, the packet's time within the window.</summary>
    public IReadOnlySet<uint> NotifiersOf(IEnumerable<TracedPacket?> packets)
    {
        long tolerance = (long)Tolerance.TotalNanoseconds;
        var notifiers = new SortedSet<uint>();
        lock (_order)
        {
            foreach (var packet in packets)
            {
                if (packet?.Ip is not { } ip || SpoofNotice.DestinationOf(ip) is not { } destination
                    || !_byDestination.TryGetValue(destination, out var notices))
                {
                    continue;
                }
                foreach (var notice in notices)
                {
                    // A packet without a time may be any: every notice for its destination covers it.
                    if (packet.TimestampNs is not { } at || (at >= notice.FirstNs - tolerance && at <= notice.LastNs + tolerance))
                    {
                        notifiers.Add(notice.Notifier);
                    }
                }
            }
        }
        return notifiers;
    }
}
