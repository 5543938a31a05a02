using System.Globalization;

namespace InterTrack.Protocol.Model;

/// <summary>A point in time as the wire carries it: seconds and microseconds since the Unix epoch.</summary>
public readonly record struct TimeVal(uint Sec, uint Usec)
{
    /// <summary>
    /// 0.000000 in a footmark: when the packet was seen is not known (a historic client sends none);
    /// traceback systems then search all the evidence they keep.
    /// </summary>
    public static TimeVal Unknown { get; } = new(0, 0);

    public bool IsUnknown => this == Unknown;

    public static TimeVal FromDateTimeOffset(DateTimeOffset time)
    {
        long micros = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return new TimeVal(checked((uint)(micros / 1_000_000)), (uint)(micros % 1_000_000));
    }

    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.UnixEpoch.AddTicks((Sec * 1_000_000L + Usec) * 10);

    public static TimeVal FromUnixNs(long ns) => FromDateTimeOffset(FromNs(ns));

    public long ToUnixNs() => ToNs(ToDateTimeOffset());

    /// <summary>Nanoseconds since the Unix epoch (how capture files and traceback systems keep time) as a time, to 100 ns.</summary>
    public static DateTimeOffset FromNs(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100);

    public static long ToNs(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    public override string ToString() => $"{Sec}.{Usec:D6}";

    /// <summary>Parses the text form "sec.usec"; null when it is not one.</summary>
    public static TimeVal? Parse(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 2 && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint sec)
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint usec) && usec < 1_000_000
            ? new TimeVal(sec, usec) : null;
    }
}

/// <summary>Clock offset evidence of a heartbeat: the master's and the slave's time.</summary>
internal sealed record TimeDiff(TimeVal MasterSideTime, TimeVal SlaveSideTime);
