namespace InterTrack.Protocol.Model;

/// <summary>A point in time as the wire carries it: seconds and microseconds since the Unix epoch.</summary>
public readonly record struct TimeVal(uint Sec, uint Usec)
{
    public static TimeVal FromDateTimeOffset(DateTimeOffset time)
    {
        long micros = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return new TimeVal(checked((uint)(micros / 1_000_000)), (uint)(micros % 1_000_000));
    }

    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.UnixEpoch.AddTicks((Sec * 1_000_000L + Usec) * 10);

    public override string ToString() => $"{Sec}.{Usec:D6}";
}

/// <summary>Clock offset evidence of a heartbeat: the master's and the slave's time.</summary>
public sealed record TimeDiff(TimeVal MasterSideTime, TimeVal SlaveSideTime);
