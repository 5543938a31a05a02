using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using InterTrack.Flow;
using InterTrack.Flow.Export;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Flow;

/// <summary>
/// The collector says what it lost: records (IPFIX) and export packets (v9) missing from each
/// exporting process's sequence numbers, datagrams the kernel dropped at its socket, a receive
/// buffer smaller than asked; and a store that fails costs a message, not the collector.
/// </summary>
public sealed class LossTests
{
    private const int PerMessage = 10;
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.31"), B = IPAddress.Parse("192.0.2.32");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(FlowTestRecords.T0Ms));
    private readonly ListLogger _log = new();

    private static List<byte[]> Ipfix(int messages, uint domain = 1) => FlowTestRecords.Ipfix(messages, PerMessage, domain);

    /// <summary>A NetFlow v9 export packet: its template (source and destination address, protocol) and one record.</summary>
    private static byte[] V9(uint sequence, uint sourceId = 0)
    {
        byte[] message =
        [
            0, 9, 0, 2, 0, 0, 0, 1, 0x65, 0x53, 0xF1, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 20, 1, 0, 0, 3, 0, 8, 0, 4, 0, 12, 0, 4, 0, 4, 0, 1,
            1, 0, 0, 16, 198, 18, 0, (byte)sequence, 203, 0, 113, 7, 17, 0, 0, 0,
        ];
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(12), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(16), sourceId);
        return message;
    }

    private static byte[] Resequenced(byte[] ipfix, uint sequence)
    {
        var copy = (byte[])ipfix.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(8), sequence);
        return copy;
    }

    private FlowCollector Collector() => new(_ => { }, logger: _log, time: _time);

    [Fact]
    public async Task Ipfix_gaps_are_counted_in_records_logged_once_per_interval_and_measured()
    {
        await using var collector = Collector();
        var messages = Ipfix(10);
        foreach (int i in Enumerable.Range(0, 10).Where(i => i is not 3 and not 6))
        {
            collector.Receive(messages[i], A, session: 4739);
        }
        _time.Advance(TimeSpan.FromSeconds(10)); // gaps wait 2 s for a late message, then the 10 s report

        Assert.Equal(2 * PerMessage, collector.Exporters[A].LostRecords);
        Assert.Equal(0, collector.Exporters[A].LostPackets);
        Assert.Single(_log.Lines, l => l.Contains($"Exporter {A} lost {2 * PerMessage} records (sequence gaps) in the last 10 s", StringComparison.Ordinal));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(_log.Lines, l => l.Contains("sequence gaps", StringComparison.Ordinal)); // nothing new lost: no new line
        Assert.Equal(2 * PerMessage, Measured("intertrack.flow.lost", A, "record"));
    }

    [Fact]
    public async Task V9_gaps_are_counted_in_export_packets()
    {
        await using var collector = Collector();
        foreach (uint sequence in new uint[] { 0, 1, 3, 4, 6, 7, 8, 9 })
        {
            collector.Receive(V9(sequence), A, session: 2055);
        }
        collector.Finish();

        Assert.Equal((2, 0), (collector.Exporters[A].LostPackets, collector.Exporters[A].LostRecords));
        Assert.Equal(8, collector.Records);
    }

    [Fact]
    public async Task Exporters_sharing_address_and_domain_from_different_ports_make_no_false_gaps()
    {
        await using var collector = Collector();
        var first = Ipfix(10, domain: 0);
        var second = Ipfix(10, domain: 0);
        for (int i = 0; i < 10; i++)
        {
            collector.Receive(first[i], A, session: 40001);
            if (i != 4)
            {
                collector.Receive(Resequenced(second[i], 5000 + (uint)(i * PerMessage)), A, session: 40002); // it has sent more so far
            }
            collector.Receive(V9((uint)i), A, session: 40003);
            collector.Receive(V9(700 + (uint)i), A, session: 40004);
        }
        collector.Finish();

        Assert.Equal(PerMessage, collector.Exporters[A].LostRecords); // the one message the second process lost, nothing else
        Assert.Equal(0, collector.Exporters[A].LostPackets);
    }

    [Theory]
    [InlineData(false, -1)]
    [InlineData(true, -1)]
    [InlineData(false, 4)]
    [InlineData(true, 4)]
    public async Task Exporters_counting_a_messages_own_records_in_its_number_make_no_false_gaps(bool inclusive, int dropped)
    {
        // softflowd numbers a message with the records sent up to and including it, RFC 7011 with those before it;
        // messages of different sizes (a template's message carries fewer) tell the two apart.
        await using var collector = Collector();
        var writer = new IpfixWriter(1, templateEvery: 1);
        int[] counts = [10, 3, 10, 10, 7, 10, 4, 10, 10];
        uint sent = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            var message = writer.Messages([.. Enumerable.Range(100 * i, counts[i]).Select(r => FlowTestRecords.Udp(r))], FlowTestRecords.T0Ms).Single();
            uint number = inclusive ? sent + (uint)counts[i] : sent;
            sent += (uint)counts[i];
            if (i != dropped)
            {
                collector.Receive(Resequenced(message, number), A, session: 9995);
            }
        }
        collector.Finish();

        Assert.Equal(dropped < 0 ? 0 : counts[dropped], collector.Exporters[A].LostRecords);
    }

    [Fact]
    public async Task A_message_reordered_by_one_is_not_lost()
    {
        await using var collector = Collector();
        var messages = Ipfix(6);
        foreach (int i in new[] { 0, 1, 3, 2, 5, 4 })
        {
            collector.Receive(messages[i], A, session: 1);
        }
        foreach (uint sequence in new uint[] { 0, 2, 1, 3 })
        {
            collector.Receive(V9(sequence), B, session: 1);
        }
        collector.Finish();

        Assert.Equal(0, collector.Exporters[A].LostRecords);
        Assert.Equal(0, collector.Exporters[B].LostPackets);
        Assert.Equal(6 * PerMessage + 4, collector.Records);
    }

    [Fact]
    public async Task Wrap_around_is_not_lost_and_a_gap_across_it_counts_right()
    {
        await using var collector = Collector();
        var messages = Ipfix(8);
        uint start = uint.MaxValue - 25; // the fourth message crosses 2^32
        for (int i = 0; i < 8; i++)
        {
            var message = Resequenced(messages[i], unchecked(start + (uint)(i * PerMessage)));
            collector.Receive(message, A, session: 1);
            if (i != 3)
            {
                collector.Receive(message, B, session: 1);
            }
        }
        collector.Finish();

        Assert.Equal(0, collector.Exporters[A].LostRecords);
        Assert.Equal(PerMessage, collector.Exporters[B].LostRecords);
    }

    [Fact]
    public async Task An_exporter_restart_is_a_reset_not_loss_and_gaps_after_it_still_count()
    {
        await using var collector = Collector();
        foreach (var message in Ipfix(40))
        {
            collector.Receive(message, A, session: 1);
        }
        var restarted = Ipfix(6); // sequence from 0 again, far behind 400
        foreach (int i in new[] { 0, 1, 2, 4, 5 })
        {
            collector.Receive(restarted[i], A, session: 1);
        }
        collector.Finish();

        Assert.Equal(1, collector.Exporters[A].SequenceResets);
        Assert.Equal(PerMessage, collector.Exporters[A].LostRecords); // message 3 after the restart
    }

    [Fact]
    public void The_kernel_drop_count_read_is_the_kernels_own()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 }; // the kernel's minimum
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var drops = UdpDrops.For(receiver);
        Assert.NotNull(drops);
        Assert.Equal(0, drops.Read());
        const int Sent = 2000;
        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            for (int i = 0; i < Sent; i++)
            {
                sender.SendTo(new byte[200], receiver.LocalEndPoint!);
            }
        }
        int received = 0;
        var buffer = new byte[2048];
        // Every datagram sent is either queued (and read here) or counted dropped by the kernel.
        Wait.Until(() =>
        {
            while (receiver.Available > 0)
            {
                receiver.Receive(buffer);
                received++;
            }
            return received + drops.Read() == Sent;
        }, "datagrams read + kernel drops = datagrams sent");
        Assert.InRange(drops.Read()!.Value, 1, Sent - 1);
    }

    [Fact]
    public async Task A_flooded_collector_reports_the_kernels_drops_and_the_records_they_held()
    {
        using var stuck = new ManualResetEventSlim();
        long stored = 0;
        // The first batch's store blocks, the collector's only batch is taken, so the socket's minimal queue overflows: a known loss,
        // not a raced one.
        await using var collector = new FlowCollector(batch => { stuck.Wait(); Interlocked.Add(ref stored, batch.Count); }, logger: _log, time: _time)
        {
            ReceiveBufferBytes = 1,
            Batches = 1,
        };
        var at = collector.ListenUdp(new IPEndPoint(IPAddress.Loopback, 0));
        var messages = Ipfix(2001);
        const int Flood = 2000;
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        foreach (var message in messages.Take(Flood))
        {
            sender.SendTo(message, at);
        }
        stuck.Set();
        long Messages() => collector.Exporters.TryGetValue(IPAddress.Loopback, out var c) ? c.Messages : 0;
        long Dropped() => collector.KernelDrops[at];
        Wait.Until(() => Messages() + Dropped() == Flood, "messages received + kernel drops = messages sent");
        sender.SendTo(messages[Flood], at); // the last one, after the flood: shows the gap the drops left
        Wait.Until(() => Messages() + Dropped() == Flood + 1, "the last message");
        _time.Advance(TimeSpan.FromSeconds(10));

        long drops = Dropped();
        Assert.InRange(drops, 1, Flood - 1);
        Assert.Equal(drops * PerMessage, collector.Exporters[IPAddress.Loopback].LostRecords);
        Assert.Equal((Flood + 1 - drops) * PerMessage, Interlocked.Read(ref stored));
        Assert.Single(_log.Lines, l => l.Contains($"UDP {at}: the kernel dropped {drops} datagrams (receive buffer full) in the last 10 s",
            StringComparison.Ordinal));
        Assert.Single(_log.Lines, l => l.Contains($"Exporter 127.0.0.1 lost {drops * PerMessage} records (sequence gaps)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_store_that_throws_costs_its_message_and_the_loops_go_on()
    {
        const ushort Poison = 1024 + 3; // the store fails on the message holding record 3
        long stored = 0;
        await using var collector = new FlowCollector(batch =>
        {
            if (batch.Any(r => r.SourcePort == Poison))
            {
                throw new IOException("No space left on device");
            }
            Interlocked.Add(ref stored, batch.Count);
        }, logger: _log, time: _time);
        var udp = collector.ListenUdp(new IPEndPoint(IPAddress.Loopback, 0));
        var tcp = collector.ListenTcp(new IPEndPoint(IPAddress.Loopback, 0));
        var messages = Ipfix(2); // the first holds records 0–9, the poison among them
        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            sender.SendTo(messages[0], udp);
            sender.SendTo(messages[1], udp);
        }
        using (var exporter = new TcpClient())
        {
            await exporter.ConnectAsync(tcp);
            await exporter.GetStream().WriteAsync(messages[0]);
            await exporter.GetStream().WriteAsync(messages[1]);
        }
        Wait.Until(() => Interlocked.Read(ref stored) == 2 * PerMessage, "the message after the failing one, over UDP and TCP");

        Assert.Equal(2, collector.Exporters[IPAddress.Loopback].Failed);
        Assert.Single(_log.Lines, l => l.Contains("IOException: No space left on device", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_receive_buffer_capped_by_the_kernel_is_warned_about_once_naming_the_sysctl()
    {
        int max = int.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max"), System.Globalization.CultureInfo.InvariantCulture);
        await using (var capped = new FlowCollector(_ => { }, logger: _log, time: _time) { ReceiveBufferBytes = max + 4096 })
        {
            capped.ListenUdp(new IPEndPoint(IPAddress.Loopback, 0), "--listen");
        }
        Assert.Equal($"Warning: --listen: receive buffer capped at {max} bytes by net.core.rmem_max (asked {max + 4096}); " +
            $"raise it with sysctl -w net.core.rmem_max={max + 4096}", Assert.Single(_log.Lines));

        await using var granted = new FlowCollector(_ => { }, logger: _log, time: _time) { ReceiveBufferBytes = max / 2 };
        granted.ListenUdp(new IPEndPoint(IPAddress.Loopback, 0));
        Assert.Single(_log.Lines);
    }

    /// <summary>The value the collectors' meter gives for the exporter (unique to a test: other tests' collectors publish too).</summary>
    private static long Measured(string instrument, IPAddress exporter, string unit)
    {
        long value = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, measured, tags, _) =>
        {
            var t = tags.ToArray();
            if (t.Contains(new("exporter", exporter.ToString())) && t.Contains(new("unit", unit)))
            {
                value = measured;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }
}
