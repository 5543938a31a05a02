using System.Net;
using InterTrack.Flow;
using InterTrack.Flow.Store;
using InterTrack.Node.Tracing;
using InterTrack.Testing;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Flow;

/// <summary>
/// A packet object is asked again over time (the lab waits for an attack's evidence with one; a BTM asks one request on
/// every link): its answer must follow what the store holds now, not what it held at the first question.
/// </summary>
public sealed class FlowEvidenceTests : IDisposable
{
    private const string Link = "192.0.2.1/3:in";
    private readonly string _directory = Directory.CreateTempSubdirectory("intertrack-flowevidence-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(FlowTestRecords.T0Ms));

    [Fact]
    public void A_packet_asked_before_its_flow_was_stored_is_seen_once_the_collector_stores_it()
    {
        using var writer = FlowStore.OpenWriter(_directory, time: _time);
        writer.Append([Record(1)]); // another flow: the store covers the time, so "not seen" is an answer
        var evidence = new FlowEvidence(writer);
        var packet = new TracedPacket(TestPackets.Udp4(7), FlowTestRecords.T0Ms * 1_000_000);

        Assert.Equal(LinkAnswer.NotSeen, evidence.Ask(Link, packet, TimeSpan.FromSeconds(2)));
        writer.Append([Record(7)]);
        Assert.True(evidence.Ask(Link, packet, TimeSpan.FromSeconds(2)).Seen);
    }

    [Fact]
    public void A_reader_in_another_process_sees_a_flow_stored_after_the_packet_was_first_asked()
    {
        using var writer = FlowStore.OpenWriter(_directory, time: _time);
        writer.Append([Record(1)]);
        using var reader = FlowStore.OpenReader(_directory, _time);
        var evidence = new FlowEvidence(reader);
        var packet = new TracedPacket(TestPackets.Udp4(7), timestampNs: null);

        Assert.False(evidence.Ask(Link, packet, TimeSpan.Zero).Seen);
        writer.Append([Record(7)]);
        _time.Advance(TimeSpan.FromSeconds(1)); // readers look at the directory again at most once a second
        Assert.True(evidence.Ask(Link, packet, TimeSpan.Zero).Seen);
    }

    [Fact]
    public void The_same_packet_asked_with_a_wider_tolerance_is_looked_up_again()
    {
        using var writer = FlowStore.OpenWriter(_directory, time: _time);
        writer.Append([Record(7)]);
        var evidence = new FlowEvidence(writer);
        var packet = new TracedPacket(TestPackets.Udp4(7), (FlowTestRecords.T0Ms + 5_000) * 1_000_000); // 5 s after the flow

        Assert.False(evidence.Ask(Link, packet, TimeSpan.FromSeconds(1)).Seen);
        Assert.True(evidence.Ask(Link, packet, TimeSpan.FromSeconds(10)).Seen);
    }

    /// <summary>The flow of <see cref="TestPackets.Udp4"/>(i), exported by 192.0.2.1 from interface 3.</summary>
    private static FlowRecord Record(int i) => FlowTestRecords.Udp(i) with
    {
        Exporter = FlowRecord.Address(IPAddress.Parse("192.0.2.1")),
        Source = FlowRecord.Address(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i])),
        Destination = FlowRecord.Address(IPAddress.Parse("192.0.2.7")),
        StartMs = FlowTestRecords.T0Ms,
        EndMs = FlowTestRecords.T0Ms,
    };

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
