using InterTrack.Node.Managers;
using InterTrack.Node.Tracing;
using InterTrack.Packets.Reflection;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Reflection;

namespace InterTrack.Tests.Managers;

/// <summary>An amplifier's border: answers its hosts sent are tied to the requests that came in, or said to be unmatched, never a Source.</summary>
public sealed class AmplifierBorderTests
{
    private static readonly BorderLink FromCustomer = new("in-from-65010", 65010, BorderDirection.In);
    private static readonly BorderLink FromPeer = new("in-from-65020", 65020, BorderDirection.In);
    private static readonly BorderLink ToVictim = new("out-to-65001", 65001, BorderDirection.Out);

    /// <summary>Sees the given answers leave towards the victim, and requests of the given keys come in on the given links.</summary>
    private sealed class Seen(IReadOnlyCollection<byte[]> answers, IReadOnlyDictionary<string, ReflectionKey[]> requests) : ILinkEvidence
    {
        public string TsType => "digest";

        public string? CannotLookUp(TracedPacket packet) => null;

        public LinkAnswer Ask(string link, TracedPacket packet, TimeSpan tolerance) =>
            packet.RequestHash is { } hash
                ? new LinkAnswer(requests.GetValueOrDefault(link, []).Any(k => k.Hash().AsSpan().SequenceEqual(hash)), false, 1)
                : new LinkAnswer(link == ToVictim.Link && answers.Any(a => a.AsSpan().SequenceEqual(packet.Ip)), false, 1);
    }

    private static async Task<BorderTraceResult> AskAsync(ILinkEvidence evidence, params byte[][] packets)
    {
        var btm = new BorderBtm(65005, [FromCustomer, FromPeer, ToVictim], evidence, TimeSpan.FromSeconds(5));
        var footmarks = packets.Select(p => EvidencePackets.ToFootmark(p, 1_700_000_000_000_000_000)).ToList();
        var id = new MessageId(NeighborNode.ForItm(65001), new TimeVal(1, 0));
        return (await btm.TraceAsync(new BtmTraceRequest(NeighborNode.ForItm(65005), id,
            EvidencePackets.ToEvidence(footmarks, TimeVal.FromUnixNs(1_700_000_000_000_000_000))), CancellationToken.None)).Result;
    }

    [Fact]
    public async Task Answers_to_requests_that_came_in_from_a_neighbour_make_the_as_an_amplifier_that_names_it()
    {
        var dns = ReflectionExchanges.Dns();
        byte[] answer = ReflectionExchanges.ResponsePacket(dns, dns.Responses[0]);
        var key = ReflectionKey.OfRequest(ReflectionExchanges.RequestPacket(dns))!;
        var result = await AskAsync(new Seen([answer], new Dictionary<string, ReflectionKey[]> { [FromCustomer.Link] = [key] }), answer);

        Assert.Equal(AsStatus.Amplifier, result.Status);
        Assert.Equal([65010u], result.Incomings!.Select(n => n.AsNumber));
        Assert.Equal("0", result.Options.Single(o => o.Type == "requests-from:65010").Value);
        Assert.Equal("203.0.113.53:53", result.Options.Single(o => o.Type == "reflector").Value);
        Assert.Equal("dns", result.Options.Single(o => o.Type == "reflection-service").Value);
        var translation = Assert.Single(result.Translations);
        Assert.Equal(TranslationKind.V4Reflection, translation.Border);
        Assert.Equal(Convert.ToHexStringLower(key.Hash()), translation.PayloadHash!.Data);
        Assert.DoesNotContain(result.Options, o => o.Type == "reflection-unmatched");
    }

    [Fact]
    public async Task Answers_whose_requests_never_came_in_make_an_amplifier_with_no_upstream_and_the_reason()
    {
        var memcached = ReflectionExchanges.Memcached();
        byte[] answer = ReflectionExchanges.ResponsePacket(memcached, memcached.Responses[0]);
        var otherKey = ReflectionKey.OfRequest(ReflectionExchanges.RequestPacket(memcached, victimPort: 999))!; // another request
        var result = await AskAsync(new Seen([answer], new Dictionary<string, ReflectionKey[]> { [FromCustomer.Link] = [otherKey] }), answer);

        Assert.Equal(AsStatus.Amplifier, result.Status);
        Assert.Empty(result.Incomings!);
        Assert.Empty(result.Translations);
        Assert.StartsWith("1 of 1 answers our hosts sent: no request with their key came in",
            result.Options.Single(o => o.Type == "reflection-unmatched").Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Packets_that_are_not_answers_of_a_reflector_still_make_the_as_a_source()
    {
        byte[] udp = ReflectionExchanges.Udp(ReflectionExchanges.Reflector4, ReflectionExchanges.Victim4, 40_000, 80, [1, 2, 3, 4, 5, 6, 7, 8]);
        var result = await AskAsync(new Seen([udp], new Dictionary<string, ReflectionKey[]>()), udp);
        Assert.Equal(AsStatus.Source, result.Status);
        Assert.True(result.AskDtm);
        Assert.Empty(result.Translations);
    }
}
