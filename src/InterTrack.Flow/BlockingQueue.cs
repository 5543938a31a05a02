namespace InterTrack.Flow;

/// <summary>
/// A first-in first-out hand-over between two threads: the taker sleeps on a monitor while it is empty, without
/// spinning (an idle collector must cost nothing). It holds no bound of its own: the collector's stages pass a fixed
/// set of batches around, which bounds it.
/// </summary>
internal sealed class BlockingQueue<T>
    where T : class
{
    private readonly Queue<T> _items = new();
    private bool _completed;

    public void Add(T item)
    {
        lock (_items)
        {
            _items.Enqueue(item);
            if (_items.Count == 1)
            {
                Monitor.Pulse(_items);
            }
        }
    }

    /// <summary>The next item, waiting for one; null once <see cref="Complete"/> was called and all were taken.</summary>
    public T? Take()
    {
        lock (_items)
        {
            while (_items.Count == 0 && !_completed)
            {
                Monitor.Wait(_items);
            }
            return _items.TryDequeue(out var item) ? item : null;
        }
    }

    /// <summary>No more items will come: a waiting <see cref="Take"/> returns null once the queue is empty.</summary>
    public void Complete()
    {
        lock (_items)
        {
            _completed = true;
            Monitor.PulseAll(_items);
        }
    }
}
