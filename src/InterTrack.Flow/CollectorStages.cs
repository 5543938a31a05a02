using System.Net.Sockets;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace InterTrack.Flow;

/// <summary>
/// The collector's UDP path in stages on their own threads, so that none waits for another: a receive thread per
/// socket reads datagrams, many a system call where it can (<see cref="ManyDatagrams"/>), into a batch and hands it on
/// when it is full or no more came for a moment;
/// one thread decodes batches, one stores them (sealing and syncing the store happen there or later, never while
/// receiving). A fixed number of batches goes round, which bounds the memory: when all are taken (the store is slower
/// than the exporters), a receive thread waits for one, the socket's queue in the kernel fills and the kernel drops
/// what does not fit, counting it (<see cref="UdpDrops"/>): the collector's loss is the kernel's count, never silent.
/// Threads block in the kernel or on a monitor when there is nothing to do: an idle collector uses no CPU. The loops
/// that run per datagram or record are compiled optimized at once (AggressiveOptimization): run first as tiered
/// compilation's quick code they fell behind a fresh collector's first seconds at 40,000 datagrams/s (a quarter lost).
/// </summary>
internal sealed class CollectorStages
{
    private readonly BlockingQueue<DatagramBatch> _free = new(), _received = new(), _decoded = new();
    private readonly Action<DatagramBatch> _decode, _store;
    private readonly ILogger _logger;
    private readonly List<Thread> _receivers = [];
    private readonly Thread _decoder, _storer;
    private static readonly TimeSpan Hold = TimeSpan.FromMilliseconds(2);
    private int _stopped;

    /// <param name="batches">Batches going round (each <see cref="DatagramBatch.Bytes"/> and its records).</param>
    /// <param name="decode">Decodes a batch's datagrams into its records (one thread).</param>
    /// <param name="store">Stores a batch's records (one thread).</param>
    public CollectorStages(int batches, Action<DatagramBatch> decode, Action<DatagramBatch> store, ILogger logger)
    {
        for (int i = 0; i < batches; i++)
        {
            _free.Add(new DatagramBatch());
        }
        (_decode, _store, _logger) = (decode, store, logger);
        // Decoding and storing yield to receiving: while they catch up (batches wait for them), the socket is read on time.
        _decoder = Start("flow decode", () => Pass(_received, _decoded, _decode));
        _storer = Start("flow store", () => Pass(_decoded, _free, batch =>
        {
            _store(batch);
            batch.Clear(); // round again
        }));
    }

    private static Thread Start(string name, Action loop)
    {
        var thread = new Thread(() => loop()) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    /// <summary>Receives from the socket on a thread of its own until <see cref="Stop"/> closes it.</summary>
    public void Receive(Socket socket, IPEndPoint local) => _receivers.Add(Start($"flow receive {local}", () => ReceiveLoop(socket)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private void ReceiveLoop(Socket socket)
    {
        var receiver = new ManyDatagrams(socket);
        var senders = new Senders(socket.AddressFamily);
        DatagramBatch? batch = null;
        int received = 0, taken = 0; // datagrams the last receive gave, and of them those put in batches
        bool drained = false;
        while (true)
        {
            batch ??= _free.Take(); // null: stopping
            if (batch is null)
            {
                break;
            }
            if (taken < received)
            {
                if (batch.TryAdd(receiver.Datagram(taken), senders.Of(receiver.Sender(taken))))
                {
                    taken++;
                }
                else
                {
                    _received.Add(batch); // full
                    batch = null;
                }
                continue;
            }
            try
            {
                // A batch that holds datagrams waits a little for more, then goes on: a hand-over wakes two threads, so
                // it should carry many datagrams at high rates, and at low rates no datagram waits more than Hold.
                if (batch.Datagrams.Count > 0 && drained && !socket.Poll(Hold, SelectMode.SelectRead))
                {
                    _received.Add(batch);
                    batch = null;
                    continue;
                }
                (received, taken) = (receiver.Receive(wait: batch.Datagrams.Count == 0), 0);
                drained = received < ManyDatagrams.Slots;
            }
            catch (Exception e) when (e is ObjectDisposedException || e is SocketException && Volatile.Read(ref _stopped) != 0)
            {
                break;
            }
            catch (SocketException e)
            {
                CollectorLog.ReceiveFailed(_logger, e.Message);
                continue;
            }
        }
        if (batch is not null)
        {
            _received.Add(batch); // what it holds is decoded and stored
        }
    }

    private static void Pass(BlockingQueue<DatagramBatch> from, BlockingQueue<DatagramBatch> to, Action<DatagramBatch> work)
    {
        LowPriority.ForThisThread();
        while (from.Take() is { } batch)
        {
            work(batch);
            to.Add(batch);
        }
        to.Complete();
    }

    /// <summary>Closes the sockets, then waits until every datagram received has been decoded and stored.</summary>
    public async Task StopAsync(IEnumerable<Socket> sockets)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        foreach (var socket in sockets)
        {
            socket.Dispose(); // wakes the receive threads
        }
        _free.Complete(); // and those waiting for a batch
        await Task.Run(() =>
        {
            foreach (var receiver in _receivers)
            {
                receiver.Join();
            }
            _received.Complete();
            _decoder.Join();
            _storer.Join();
        }).ConfigureAwait(false);
    }
}
