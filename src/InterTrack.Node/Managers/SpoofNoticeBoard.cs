using System.Net;
using InterTrack.Node.Tracing;

namespace InterTrack.Node.Managers;

/// <summary>
/// The spoofing notices an ITM received for its AS's addresses (<see cref="SpoofNotice"/>): at most
/// <c>capacity</c>, and at most <c>perSender</c> of one notifier, the oldest dropped first, so a
/// flood costs memory once and one sender cannot push the others' notices out. Thread-safe.
/// </summary>
public sealed class SpoofNoticeBoard(int capacity = SpoofNoticeBoard.DefaultCapacity, int perSender = SpoofNoticeBoard.DefaultPerSender)
{
    public const int DefaultCapacity = 10_000, DefaultPerSender = 100;

    /// <summary>How far outside a notice's window a traced packet may lie and still be covered: the notifier's clock and the path's delay.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(10);

    private readonly Dictionary<IPAddress, List<SpoofNotice>> _byDestination = [];
    private readonly Dictionary<uint, Queue<SpoofNotice>> _bySender = [];
    private readonly LinkedList<SpoofNotice> _order = new();

    public int Count
    {
        get { lock (_order) return _order.Count; }
    }

    public void Add(SpoofNotice notice)
    {
        lock (_order)
        {
            _order.AddLast(notice);
            (_byDestination.TryGetValue(notice.Destination, out var forDestination) ? forDestination : _byDestination[notice.Destination] = []).Add(notice);
            var fromSender = _bySender.TryGetValue(notice.Notifier, out var queue) ? queue : _bySender[notice.Notifier] = new();
            fromSender.Enqueue(notice);
            if (fromSender.Count > perSender)
            {
                Remove(fromSender.Peek());
            }
            if (_order.Count > capacity)
            {
                Remove(_order.First!.Value);
            }
        }
    }

    private void Remove(SpoofNotice notice)
    {
        _order.Remove(notice);
        var forDestination = _byDestination[notice.Destination];
        forDestination.Remove(notice);
        if (forDestination.Count == 0)
        {
            _byDestination.Remove(notice.Destination);
        }
        var fromSender = _bySender[notice.Notifier];
        fromSender.Dequeue(); // a sender's oldest is the oldest of all its notices left
        if (fromSender.Count == 0)
        {
            _bySender.Remove(notice.Notifier);
        }
    }

    /// <summary>The ASes that sent a notice covering any of the packets: same destination, the packet's time within the window.</summary>
    public IReadOnlySet<uint> NotifiersOf(IEnumerable<TracedPacket?> packets)
    {
        long tolerance = (long)Tolerance.TotalNanoseconds;
        // Per destination the packets' times, sorted: each notice is then one binary search, not one look per packet.
        var times = new Dictionary<IPAddress, (List<long> At, bool AnyTime)>();
        foreach (var packet in packets)
        {
            if (packet?.Ip is { } ip && SpoofNotice.DestinationOf(ip) is { } destination)
            {
                var t = times.TryGetValue(destination, out var known) ? known : ([], false);
                if (packet.TimestampNs is { } at) t.At.Add(at);
                times[destination] = (t.At, t.AnyTime || packet.TimestampNs is null); // a packet without a time may be any: every window covers it
            }
        }
        var notifiers = new SortedSet<uint>();
        lock (_order)
        {
            foreach (var (destination, (at, anyTime)) in times)
            {
                if (!_byDestination.TryGetValue(destination, out var notices))
                {
                    continue;
                }
                at.Sort();
                foreach (var notice in notices)
                {
                    int i = at.BinarySearch(notice.FirstNs - tolerance);
                    i = i < 0 ? ~i : i;
                    if (anyTime || (i < at.Count && at[i] <= notice.LastNs + tolerance))
                    {
                        notifiers.Add(notice.Notifier);
                    }
                }
            }
        }
        return notifiers;
    }
}
