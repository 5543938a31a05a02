using System.Net;
using System.Net.Sockets;
using InterTrack.Flow;
using InterTrack.Flow.Store;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Flow;

/// <summary>The collector's UDP stages (receive, decode, store on threads of their own) with a store that falls behind.</summary>
public sealed class CollectorStagesTests : IDisposable
{
    private const int PerMessage = 10;
    private readonly string _directory = Directory.CreateTempSubdirectory("intertrack-stages-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(FlowTestRecords.T0Ms));

    [Fact]
    public async Task A_burst_is_stored_whole_while_the_store_is_stuck_and_every_batch_taken()
    {
        const int Burst = 400;
        using var stuck = new ManualResetEventSlim();
        long stored = 0;
        // Two batches: the store holds one, the decoder the other; the rest of the burst waits in the socket's queue.
        await using var collector = new FlowCollector(batch => { stuck.Wait(); Interlocked.Add(ref stored, batch.Count); }, time: _time)
        {
            Batches = 2,
        };
        var at = collector.ListenUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            foreach (var message in FlowTestRecords.Ipfix(Burst, PerMessage))
            {
                sender.SendTo(message, at);
            }
        }
        stuck.Set();
        Wait.Until(() => Interlocked.Read(ref stored) == Burst * PerMessage, $"{Burst * PerMessage} records stored (has {Interlocked.Read(ref stored)})");
        collector.Finish();

        Assert.Equal(Burst * PerMessage, collector.Records);
        Assert.Equal(0, collector.KernelDrops[at]);
        Assert.Null(collector.Exporters[IPAddress.Loopback].DescribeLost());
    }

    [Fact]
    public async Task Disposing_stores_every_message_received_and_the_store_seals_them()
    {
        const int Messages = 300;
        using var stuck = new ManualResetEventSlim();
        var store = FlowStore.OpenWriter(_directory, new FlowStoreOptions { SegmentRecords = 1000 }, _time);
        var collector = new FlowCollector(batch => { stuck.Wait(); store.Append(batch); }, time: _time);
        var at = collector.ListenUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            foreach (var message in FlowTestRecords.Ipfix(Messages, PerMessage))
            {
                sender.SendTo(message, at);
            }
        }
        long Decoded() => collector.Exporters.TryGetValue(IPAddress.Loopback, out var c) ? c.Messages : 0;
        Wait.Until(() => Decoded() == Messages, $"{Messages} messages received and decoded (has {Decoded()})");
        Assert.Equal(0, store.Count); // all still queued for the stuck store

        stuck.Set();
        await collector.DisposeAsync();
        Assert.Equal(Messages * PerMessage, store.Count);
        store.Dispose();

        using var reader = FlowStore.OpenReader(_directory, _time);
        Assert.Equal(Messages * PerMessage, reader.Count);
        var data = Directory.GetFiles(_directory, "*" + FlowSegment.DataExtension);
        Assert.Equal(3, data.Length); // 1,000 records a segment
        Assert.All(data, d => Assert.True(File.Exists(Path.ChangeExtension(d, FlowSegment.IndexExtension)), $"{d} is not sealed"));
        Assert.Single(reader.Find(FlowTestRecords.Udp(2_345).Key, FlowTestRecords.T0Ms + 2_345, TimeSpan.Zero));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
