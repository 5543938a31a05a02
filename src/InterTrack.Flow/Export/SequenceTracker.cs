using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;

namespace InterTrack.Flow.Export;

/// <summary>
/// One exporting process as the collector tells it apart: the exporter's address, its transport
/// session (the UDP source port, or a TCP session), the observation domain (v9: source id) and
/// the version. Several processes may share an address and a domain (pmacctd runs one per
/// interface, each from its own port), so the session is part of it.
/// </summary>
internal readonly record struct ExportStream(IPAddress Exporter, int Session, uint Domain, byte Version);

/// <summary>
/// Counts what exporters sent that never came, from the sequence number in each export header:
/// IPFIX's counts the data records sent before the message (RFC 7011 §3.1), NetFlow v9's the
/// export packets (RFC 3954 §5.1). A gap is pending until <see cref="Window"/> later messages of its
/// stream came or <see cref="Settle"/> finds it old, so that a message reordered into it fills it
/// instead of being counted lost. Arithmetic is modulo 2^32: wrap-around is no gap. A message more
/// than a window's worth of sequence behind starts the stream anew (the exporter restarted); a
/// smaller step back that fills no gap is a duplicate or a straggler and is ignored. After a message
/// whose record count is unknown (sets held for a template, a damaged set), the next message starts
/// counting again. Some IPFIX exporters (softflowd) count the message's own records too: a stream is
/// read that way from the first message whose count differs from the one before and whose number
/// only that reading explains, unless an earlier such message was explained only by RFC 7011's
/// reading. Not thread-safe.
/// </summary>
/// <param name="lost">Called with a stream and what it lost, once a gap is settled: records (IPFIX) or export packets (v9).</param>
/// <param name="reset">Called when a stream's sequence went far back.</param>
internal sealed class SequenceTracker(Action<ExportStream, long> lost, Action<ExportStream> reset)
{
    /// <summary>Messages a gap waits for a late message to fill it; also how far back (in messages) a restart starts.</summary>
    public const int Window = 16;
    private const int MaxPending = 64;
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);
    private readonly Dictionary<ExportStream, State> _streams = [];

    /// <summary>Takes the sequence number of one export message already parsed.</summary>
    /// <param name="session">The exporter's UDP source port, or a number of the TCP session's own.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    public void Observe(ReadOnlySpan<byte> message, IPAddress exporter, int session, ParseOutcome outcome, long nowMs)
    {
        uint sequence, domain;
        int? count;
        byte version;
        if (message.Length >= 16 && BinaryPrimitives.ReadUInt16BigEndian(message) == 10)
        {
            (version, sequence, domain) = (10, BinaryPrimitives.ReadUInt32BigEndian(message[8..]), BinaryPrimitives.ReadUInt32BigEndian(message[12..]));
            count = outcome.Problem is null && outcome.HeldSets == 0 ? outcome.DataRecords : null;
        }
        else if (message.Length >= 20 && BinaryPrimitives.ReadUInt16BigEndian(message) == 9)
        {
            (version, sequence, domain) = (9, BinaryPrimitives.ReadUInt32BigEndian(message[12..]), BinaryPrimitives.ReadUInt32BigEndian(message[16..]));
            count = 1;
        }
        else
        {
            return; // no header to read a sequence from
        }
        var stream = new ExportStream(exporter, session, domain, version);
        if (!_streams.TryGetValue(stream, out var state))
        {
            _streams[stream] = state = new State();
        }
        state.SeenMs = nowMs;
        Age(stream, state);
        if (!state.Known)
        {
            Advance(state, state.Inclusive && count is { } first ? sequence - (uint)first : sequence, count);
            return;
        }
        sequence = Convention(state, version, sequence, count);
        int ahead = (int)(sequence - state.Expected);
        if (ahead >= 0)
        {
            if (ahead > 0)
            {
                AddGap(stream, state, state.Expected, (uint)ahead, nowMs);
            }
            Advance(state, sequence, count);
        }
        else if (Fill(state, sequence, count))
        {
            // a late message: what it carried was not lost
        }
        else if (-(long)ahead > (long)Window * state.Unit)
        {
            Commit(stream, state, _ => true);
            reset(stream);
            Advance(state, sequence, count);
        }
        else if (count is { } n && (int)(sequence + (uint)n - state.Expected) > 0)
        {
            state.Expected = sequence + (uint)n; // overlaps what was expected: go on from its end
        }
    }

    /// <summary>
    /// Counts as lost the gaps found before <paramref name="beforeMs"/> (all: <see cref="long.MaxValue"/>); forgets streams idle for 30 minutes.
    /// </summary>
    public void Settle(long beforeMs, long nowMs)
    {
        foreach (var (stream, state) in _streams.ToList())
        {
            Commit(stream, state, gap => gap.FoundMs < beforeMs);
            if (nowMs - state.SeenMs > (long)Idle.TotalMilliseconds)
            {
                Commit(stream, state, _ => true);
                _streams.Remove(stream);
            }
        }
    }

    /// <summary>
    /// The message's sequence as RFC 7011 reads it (records sent before it), learning the stream's convention where the
    /// two readings part: a message whose count differs from the previous one's.
    /// </summary>
    private static uint Convention(State state, byte version, uint sequence, int? count)
    {
        if (count is not { } n || version != 10)
        {
            return sequence;
        }
        if (state.Inclusive)
        {
            return sequence - (uint)n;
        }
        if (n != state.LastCount && !state.Exclusive)
        {
            if (sequence == state.Expected)
            {
                state.Exclusive = true;
            }
            else if (sequence == state.LastSequence + (uint)n)
            {
                state.Inclusive = true;
                state.Expected = state.LastSequence; // the previous message's number already counted its own records
                return sequence - (uint)n;
            }
        }
        return sequence;
    }

    private static void Advance(State state, uint sequence, int? count)
    {
        state.Known = count is not null;
        if (count is { } n)
        {
            state.Expected = sequence + (uint)n;
            state.Unit = Math.Max(state.Unit, n);
            state.LastCount = n;
            state.LastSequence = state.Inclusive ? sequence + (uint)n : sequence;
        }
    }

    private void AddGap(ExportStream stream, State state, uint start, uint length, long nowMs)
    {
        if (state.Pending.Count == MaxPending)
        {
            lost(stream, state.Pending[0].Length);
            state.Pending.RemoveAt(0);
        }
        state.Pending.Add(new Gap(start, length, 0, nowMs));
    }

    /// <summary>Takes what a late message carried out of the pending gaps; false when it is in none.</summary>
    private static bool Fill(State state, uint sequence, int? count)
    {
        var left = new List<Gap>(state.Pending.Count + 1);
        foreach (var gap in state.Pending)
        {
            long from = (int)(sequence - gap.Start);
            long to = count is { } n ? from + n : gap.Length; // an unknown count: the rest of the gap, not to count too much
            if ((count is null && from < 0) || Math.Max(from, 0) >= Math.Min(to, gap.Length))
            {
                left.Add(gap);
                continue;
            }
            if (from > 0)
            {
                left.Add(gap with { Length = (uint)from });
            }
            if (to < gap.Length)
            {
                left.Add(gap with { Start = gap.Start + (uint)to, Length = gap.Length - (uint)to });
            }
        }
        bool filled = left.Count != state.Pending.Count || !left.SequenceEqual(state.Pending);
        state.Pending.Clear();
        state.Pending.AddRange(left);
        return filled;
    }

    private void Age(ExportStream stream, State state)
    {
        for (int i = 0; i < state.Pending.Count; i++)
        {
            state.Pending[i] = state.Pending[i] with { Age = state.Pending[i].Age + 1 };
        }
        Commit(stream, state, gap => gap.Age > Window);
    }

    private void Commit(ExportStream stream, State state, Func<Gap, bool> which)
    {
        long total = 0;
        state.Pending.RemoveAll(gap =>
        {
            bool settled = which(gap);
            total += settled ? gap.Length : 0;
            return settled;
        });
        if (total > 0)
        {
            lost(stream, total);
        }
    }

    private readonly record struct Gap(uint Start, uint Length, int Age, long FoundMs);

    private sealed class State
    {
        public uint Expected;
        public bool Known;
        public int Unit = 1; // the most data records a message carried (v9: 1 packet), for how far back a restart is
        public bool Inclusive, Exclusive; // how the exporter counts, once a message told (IPFIX only)
        public uint LastSequence; // the previous message's number as the exporter wrote it
        public int LastCount;
        public long SeenMs;
        public readonly List<Gap> Pending = [];
    }
}
