using System.Net;
using InterTrack.Flow;
using InterTrack.Flow.Store;
using InterTrack.Node.Tracing;
using InterTrack.Packets.Reflection;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Reflection;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Flow;

/// <summary>
/// Flow records find a reflector's requests by the reversed flow (victim:port → reflector:service, UDP, near the answers' time) and
/// name the neighbour its ingress interface faces; upstream, by the request headers the trace carries beside the key's hash.
/// </summary>
public sealed class FlowReflectionTests : IDisposable
{
    private const long T0Ns = FlowTestRecords.T0Ms * 1_000_000;
    private const uint CustomerInterface = 7, PeerInterface = 8;
    private static readonly IPAddress Router = IPAddress.Parse("192.0.2.1");
    private static readonly BorderLink FromCustomer = new("192.0.2.1/7:in", 65010, BorderDirection.In);
    private static readonly BorderLink FromPeer = new("192.0.2.1/8:in", 65020, BorderDirection.In);
    private static readonly BorderLink ToVictim = new("192.0.2.1/9:out", 65001, BorderDirection.Out);
    private static readonly ReflectionExchanges.Exchange Dns = ReflectionExchanges.Dns();

    private readonly string _directory = Directory.CreateTempSubdirectory("intertrack-flowreflection-").FullName;
    private readonly FlowStore _store;

    public FlowReflectionTests() =>
        _store = FlowStore.OpenWriter(_directory, time: new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(FlowTestRecords.T0Ms)));

    private static byte[] Answer => ReflectionExchanges.ResponsePacket(Dns, Dns.Responses[0]);

    /// <summary>The border router's record of a packet's flow: in on one interface (1: the hosts), out on another, at a time.</summary>
    private static FlowRecord Record(byte[] packet, uint ingress, uint egress, long ms)
    {
        var key = FlowKey.OfPacket(packet)!.Value.Key;
        return new FlowRecord
        {
            IpVersion = key.IpVersion, Protocol = key.Protocol, Source = key.Source, Destination = key.Destination, SourcePort = key.SourcePort,
            DestinationPort = key.DestinationPort, Exporter = FlowRecord.Address(Router), IngressInterface = ingress, EgressInterface = egress,
            StartMs = ms, EndMs = ms + 20, Packets = 1, Octets = (ulong)packet.Length, SamplingInterval = 1,
        };
    }

    private async Task<BorderTraceResult> TraceAsync(Evidence evidence)
    {
        var btm = new BorderBtm(65005, [FromCustomer, FromPeer, ToVictim], new FlowEvidence(_store), TimeSpan.FromSeconds(5));
        var id = new MessageId(NeighborNode.ForItm(65001), new TimeVal(1, 0));
        return (await btm.TraceAsync(new BtmTraceRequest(NeighborNode.ForItm(65005), id, evidence), CancellationToken.None)).Result;
    }

    private Task<BorderTraceResult> TraceAnswerAsync() => TraceAsync(EvidencePackets.ToFootmark(Answer, T0Ns));

    [Fact]
    public async Task An_amplifier_running_flow_records_names_the_neighbour_the_reversed_flow_came_in_from()
    {
        byte[] request = ReflectionExchanges.RequestPacket(Dns);
        _store.Append([Record(request, CustomerInterface, 1, FlowTestRecords.T0Ms - 30), Record(Answer, 1, 9, FlowTestRecords.T0Ms)]);

        var result = await TraceAnswerAsync();

        Assert.Equal(AsStatus.Amplifier, result.Status);
        Assert.Equal([65010u], result.Incomings!.Select(n => n.AsNumber));
        Assert.Equal("0", result.Options.Single(o => o.Type == "requests-from:65010").Value);
        Assert.StartsWith("flow records match a request by its addresses, ports and time",
            result.Options.Single(o => o.Type == "reflection-match").Value, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Options, o => o.Type == "reflection-unmatched");
        var translation = Assert.Single(result.Translations);
        Assert.Equal(TranslationKind.V4Reflection, translation.Border);
        Assert.Equal(FlowKey.OfPacket(request)!.Value.Key, FlowKey.OfPacket(Convert.FromBase64String(translation.PacketDump!.Data))!.Value.Key);
    }

    /// <summary>Requests of the same service from another victim port, and of this very flow a minute before: neither is this answer's.</summary>
    [Fact]
    public async Task An_amplifier_running_flow_records_whose_requests_never_came_in_near_their_time_says_why_and_is_no_source()
    {
        _store.Append(
        [
            Record(ReflectionExchanges.RequestPacket(Dns, victimPort: 999), CustomerInterface, 1, FlowTestRecords.T0Ms - 30),
            Record(ReflectionExchanges.RequestPacket(Dns), PeerInterface, 1, FlowTestRecords.T0Ms - 60_000),
            Record(Answer, 1, 9, FlowTestRecords.T0Ms),
        ]);

        var result = await TraceAnswerAsync();

        Assert.Equal(AsStatus.Amplifier, result.Status);
        Assert.Empty(result.Incomings!);
        Assert.Empty(result.Translations);
        Assert.Equal("1 of 1 answers our hosts sent: no request with their key came in at our border near their time",
            result.Options.Single(o => o.Type == "reflection-unmatched").Value);
        Assert.DoesNotContain(result.Options, o => o.Type == "reflection-match");
    }

    [Fact]
    public async Task Requests_the_trace_carries_with_their_headers_are_found_crossing_a_flow_as_and_forwarded_to_where_they_came_in()
    {
        var key = ReflectionKey.OfRequest(ReflectionExchanges.RequestPacket(Dns))!;
        var other = ReflectionKey.OfRequest(ReflectionExchanges.RequestPacket(Dns, victimPort: 999))!;
        _store.Append([Record(ReflectionExchanges.RequestPacket(Dns, victimPort: 999), PeerInterface, 9, FlowTestRecords.T0Ms - 30)]);
        var evidence = EvidencePackets.RequestEvidence([EvidencePackets.Request(key), EvidencePackets.Request(other)], 65099, ipv6: false,
            TimeVal.FromUnixNs(T0Ns));

        var result = await TraceAsync(evidence);

        Assert.Equal(AsStatus.Transit, result.Status);
        Assert.Equal("1", result.Options.Single(o => o.Type == "entered-from:65020").Value); // the second request only: the first never came
        Assert.Contains(result.Options, o => o.Type == "reflection-match");
    }

    [Fact]
    public async Task Requests_named_only_by_their_keys_hash_are_not_looked_up_and_the_answer_says_why()
    {
        var key = ReflectionKey.OfRequest(ReflectionExchanges.RequestPacket(Dns))!;
        _store.Append([Record(ReflectionExchanges.RequestPacket(Dns), CustomerInterface, 9, FlowTestRecords.T0Ms - 30)]);
        var hashOnly = new AppFootmark(EvidencePackets.Request(key).Hash, TimeVal.FromUnixNs(T0Ns));

        var result = await TraceAsync(hashOnly);

        Assert.Equal(TraceState.Error, result.State);
        Assert.Equal("flow records look reflection requests up by their addresses and ports, and the request names them only by their key's hash",
            result.Error!.Message);
    }

    [Theory]
    [MemberData(nameof(ReflectionKeyTests.Exchanges), MemberType = typeof(ReflectionKeyTests))]
    public void The_headers_a_request_key_gives_have_the_flow_key_of_the_request_itself(string exchange, bool ipv6)
    {
        byte[] request = ReflectionExchanges.RequestPacket(ReflectionExchanges.Named(exchange), ipv6);
        byte[] headers = ReflectionKey.OfRequest(request)!.RequestHeaders();
        Assert.Equal(FlowKey.OfPacket(request)!.Value.Key, FlowKey.OfPacket(headers)!.Value.Key);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
