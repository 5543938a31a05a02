using System.Net;
using System.Net.Sockets;
using InterTrack.Flow;
using InterTrack.Flow.Export;
using InterTrack.Flow.Store;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Flow;

/// <summary>The collector as a hostile or broken exporter meets it: it counts, logs once per exporter and reason, and keeps storing.</summary>
public sealed class CollectorTests : IDisposable
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1"), B = IPAddress.Parse("192.0.2.2");
    private readonly string _directory = Directory.CreateTempSubdirectory("intertrack-collector-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(FlowTestRecords.T0Ms));
    private readonly ListLogger _log = new();

    private static List<FlowRecord> Records(int count, int from = 0) => [.. Enumerable.Range(from, count).Select(i => FlowTestRecords.Udp(i))];

    [Fact]
    public async Task Garbage_truncated_and_template_less_exports_are_counted_logged_once_and_do_not_stop_it()
    {
        using var store = FlowStore.OpenWriter(_directory, time: _time);
        await using var collector = new FlowCollector(store, logger: _log, time: _time);
        var good = new IpfixWriter(1).Messages(Records(30), FlowTestRecords.T0Ms);
        var random = new Random(7);
        for (int i = 0; i < 3; i++)
        {
            var garbage = new byte[200];
            random.NextBytes(garbage);
            garbage[1] = 0x77; // neither version 9 nor 10
            collector.Receive(garbage, A);
        }
        collector.Receive(good[0].AsSpan(0, good[0].Length / 2), A);     // cut short: its header says more
        var withoutTemplates = new IpfixWriter(1, templateEvery: 1000);
        withoutTemplates.Messages(Records(1), FlowTestRecords.T0Ms);      // the only message with templates, never sent
        collector.Receive(withoutTemplates.Messages(Records(5), FlowTestRecords.T0Ms)[0], B); // data whose template never comes
        _time.Advance(TimeSpan.FromSeconds(11));
        collector.Expire();
        foreach (var message in good)
        {
            collector.Receive(message, A);
        }

        Assert.Equal(30, collector.Records);
        Assert.Equal(3, collector.Exporters[A].Problems[ExportProblem.UnknownVersion]);
        Assert.Equal(1, collector.Exporters[A].Problems[ExportProblem.Truncated]);
        Assert.Equal(1, collector.Exporters[B].Problems[ExportProblem.TemplateMissing]);
        Assert.Equal(3, _log.Lines.Count); // one line per exporter and reason
        Assert.Contains(_log.Lines, l => l.Contains("192.0.2.1", StringComparison.Ordinal) && l.Contains("UnknownVersion", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.Contains("192.0.2.2", StringComparison.Ordinal) && l.Contains("TemplateMissing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Over_udp_and_tcp_garbage_is_survived_and_the_next_export_is_stored()
    {
        using var store = FlowStore.OpenWriter(_directory);
        await using var collector = new FlowCollector(store, logger: _log);
        var udp = collector.ListenUdp(new IPEndPoint(IPAddress.Loopback, 0));
        var tcp = collector.ListenTcp(new IPEndPoint(IPAddress.Loopback, 0));
        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            sender.SendTo(new byte[] { 0, 10, 0, 1 }, udp);                  // IPFIX version, shorter than a header
            sender.SendTo(new byte[1000], udp);                              // zeros
            foreach (var message in new IpfixWriter(1).Messages(Records(10), FlowTestRecords.T0Ms))
            {
                sender.SendTo(message, udp);
            }
        }
        using (var garbage = new TcpClient())
        {
            await garbage.ConnectAsync(tcp);
            await garbage.GetStream().WriteAsync(new byte[64]);              // version 0: the collector closes the session
            await Assert.ThrowsAnyAsync<IOException>(async () =>
            {
                while (await garbage.GetStream().ReadAsync(new byte[1]) > 0) { }
                throw new IOException("closed");
            });
        }
        using (var exporter = new TcpClient())
        {
            await exporter.ConnectAsync(tcp);
            foreach (var message in new IpfixWriter(2).Messages(Records(10, from: 100), FlowTestRecords.T0Ms))
            {
                await exporter.GetStream().WriteAsync(message);
            }
        }
        Wait.Until(() => collector.Records == 20, $"20 records (has {collector.Records})");
        var problems = collector.Exporters[IPAddress.Loopback].Problems;
        Assert.Equal(1, problems[ExportProblem.Truncated]);
        Assert.Equal(2, problems[ExportProblem.UnknownVersion]);
        Assert.Single(store.Find(FlowTestRecords.Udp(105).Key, FlowTestRecords.T0Ms + 105, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_data_set_that_came_before_its_template_is_decoded_when_the_template_comes()
    {
        var parser = new ExportParser();
        var writer = new IpfixWriter(9, templateEvery: 2);
        var first = writer.Messages(Records(3), FlowTestRecords.T0Ms)[0];          // templates + 3 records
        var second = writer.Messages(Records(4, from: 10), FlowTestRecords.T0Ms)[0]; // 4 records, no templates
        var output = new List<FlowRecord>();
        var held = parser.Parse(second, 1, FlowTestRecords.T0Ms, output);
        Assert.Equal((0, 1), (held.Records, held.HeldSets));
        var released = parser.Parse(first, 1, FlowTestRecords.T0Ms, output);
        Assert.Equal(7, released.Records);
        Assert.Equal(Records(4, from: 10).Concat(Records(3)).Select(r => r.Key), output.Select(r => r.Key).OrderBy(k => k.SourcePort >= 1034 ? 0 : 1));
    }

    [Fact]
    public void Templates_not_resent_within_their_lifetime_are_forgotten()
    {
        var parser = new ExportParser { TemplateLifetime = TimeSpan.FromMinutes(30) };
        var writer = new IpfixWriter(9, templateEvery: 1000);
        var output = new List<FlowRecord>();
        parser.Parse(writer.Messages(Records(1), FlowTestRecords.T0Ms)[0], 1, FlowTestRecords.T0Ms, output);
        Assert.Equal(2, parser.TemplateCount);
        parser.Expire(FlowTestRecords.T0Ms + (long)TimeSpan.FromMinutes(31).TotalMilliseconds);
        Assert.Equal(0, parser.TemplateCount);
        var later = parser.Parse(writer.Messages(Records(1), FlowTestRecords.T0Ms)[0], 1, FlowTestRecords.T0Ms, output);
        Assert.Equal((0, 1), (later.Records, later.HeldSets));
    }

    [Fact]
    public void Enterprise_and_variable_length_fields_are_stepped_over()
    {
        // Template 300: sourceIPv4Address, an enterprise field (PEN 9, 4 bytes), interfaceName (variable), destinationIPv4Address, protocol, ingressInterface.
        byte[] message =
        [
            0, 10, 0, 0, 0x65, 0x53, 0xF1, 0x00, 0, 0, 0, 0, 0, 0, 0, 5,
            0, 2, 0, 36, 1, 44, 0, 6, 0, 8, 0, 4, 0x80, 1, 0, 4, 0, 0, 0, 9, 0, 82, 0xFF, 0xFF, 0, 12, 0, 4, 0, 4, 0, 1, 0, 10, 0, 4,
            1, 44, 0, 26, 198, 18, 0, 1, 1, 2, 3, 4, 4, (byte)'e', (byte)'t', (byte)'h', (byte)'0', 203, 0, 113, 7, 17, 0, 0, 0, 3, 0, 0, 0,
        ];
        message[3] = (byte)message.Length;
        var output = new List<FlowRecord>();
        var outcome = new ExportParser().Parse(message, 1, FlowTestRecords.T0Ms, output);
        Assert.Null(outcome.Problem);
        var record = Assert.Single(output);
        Assert.Equal(IPAddress.Parse("198.18.0.1"), FlowRecord.Address(record.Source));
        Assert.Equal(IPAddress.Parse("203.0.113.7"), FlowRecord.Address(record.Destination));
        Assert.Equal(17, record.Protocol);
        Assert.Equal(3u, record.IngressInterface);
    }

    [Fact]
    public void A_template_without_fields_is_refused_and_its_data_cannot_loop_the_parser()
    {
        // NetFlow v9: header, a template flowset with template 300 of 0 fields, then a data flowset for 300.
        byte[] message =
        [
            0, 9, 0, 2, 0, 0, 0, 1, 0x65, 0x53, 0xF1, 0x00, 0, 0, 0, 1, 0, 0, 0, 7,
            0, 0, 0, 8, 1, 44, 0, 0,
            1, 44, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8,
        ];
        var output = new List<FlowRecord>();
        var outcome = new ExportParser().Parse(message, 1, FlowTestRecords.T0Ms, output);
        Assert.Equal(ExportProblem.Malformed, outcome.Problem);
        Assert.Empty(output);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
