namespace InterTrack.Node.Managers;

/// <summary>A token bucket: <c>rate</c> events per second, bursts up to one second's worth. Thread-safe.</summary>
internal sealed class RateLimiter
{
    private readonly Lock _lock = new();
    private readonly double _rate;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _last;

    public RateLimiter(double rate, TimeProvider time)
    {
        _rate = rate;
        _time = time;
        _tokens = rate;
        _last = time.GetTimestamp();
    }

    public bool TryTake()
    {
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            _tokens = Math.Min(_rate, _tokens + _time.GetElapsedTime(_last, now).TotalSeconds * _rate);
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens--;
            return true;
        }
    }
}
