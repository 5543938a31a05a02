using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Schema;
using InterTrack.Digest;
using InterTrack.Node.Client;
using InterTrack.Node.Managers;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Managers;
using InterTrack.Tests.Transport;

namespace InterTrack.Tests.Interop;

/// <summary>
/// The historic Traceback Client (packter's TC) as it speaks: plain TCP to the D Point's legacy
/// port, one document per line, packets as hexstring dumps or as the MD5 of their invariant
/// (encodetype="md5", PayloadLength 32), no packet time (its TemporarySequenceNumber is when it
/// asked), reading one line for the message id and one for the AllResultExport. The attack here
/// was 30 s before it asks. Every line it gets must be one whole document, valid against the
/// published schema.
/// </summary>
public sealed class HistoricClientTests
{
    private static readonly NodeIdentity Dp = new(1, NodeRole.DPoint);

    [SkippableTheory]
    [InlineData(DumpEncoding.Md5)]
    [InlineData(DumpEncoding.Hex)]
    public async Task Md5_and_hexstring_requests_find_the_origin_through_packter_md5_digests(DumpEncoding encoding)
    {
        var schema = Schema();
        var (result, _) = await TraceAsync(_ => DigestScheme.PackterMd5, encoding, schema);
        Assert.Equal([3u], result.OriginAses);
    }

    [SkippableFact]
    public async Task An_as_keeping_xxh3_digests_says_why_it_cannot_trace_an_md5_and_still_traces_a_hexstring()
    {
        var schema = Schema();
        DigestScheme Scheme(uint a) => a == 2 ? DigestScheme.Xxh3 : DigestScheme.PackterMd5;

        var (md5, _) = await TraceAsync(Scheme, DumpEncoding.Md5, schema);
        Assert.Empty(md5.OriginAses);
        var transit = Assert.Single(md5.Ases, a => a.As == 2);
        Assert.Contains("packter-md5", transit.Error, StringComparison.Ordinal);

        var (hex, _) = await TraceAsync(Scheme, DumpEncoding.Hex, schema);
        Assert.Equal([3u], hex.OriginAses);
    }

    private static XmlSchemaSet Schema()
    {
        Requires.ReferenceSchema();
        return Protocol.MessageCodecTests.ReferenceSchema();
    }

    /// <summary>AS3 attacks AS1 through AS2 (each AS's digests keyed as <paramref name="scheme"/> says); the historic client asks AS1's D Point.</summary>
    private static async Task<(TraceResultView Result, ClientTraceReply Reply)> TraceAsync(Func<uint, DigestScheme> scheme, DumpEncoding encoding,
        XmlSchemaSet schema)
    {
        using var pki = new TestPki();
        using var world = new AsWorld(pki) { TraceTimeout = TimeSpan.FromSeconds(15), AttackAgo = TimeSpan.FromSeconds(30), Scheme = scheme };
        world.Connect(3, 2);
        world.Connect(2, 1);
        var packets = world.Attack(5, 3, 2, 1);
        world.Start();
        using var credentials = pki.Issue(1, "dp");
        await using var itm = new PeerChannel("AS1/itm", ct => MessageClient.ConnectTlsAsync("127.0.0.1", world.ItmPorts[1], new NodeIdentity(1, NodeRole.Itm),
            credentials, cancellationToken: ct));
        string database = Path.Combine(Path.GetTempPath(), $"intertrack-historic-{Guid.NewGuid():N}.db");
        try
        {
            using var store = new DPointStore(database);
            var dpoint = new DPoint(1, new DPointPolicy(), itm, store);
            await using var legacy = MessageListener.StartPlain(0, Dp, dpoint.Handler);
            var request = new ClientTraceRequest(new NeighborNode(Dp.ToNodeId()), new NeighborNode(new OtherNodeId("tc")),
                TimeVal.FromDateTimeOffset(DateTimeOffset.UtcNow), 16)
            {
                PacketDumps = [.. packets.Select(p => encoding == DumpEncoding.Md5
                    ? new PacketDump(PackterMd5.Hex(p), DumpEncoding.Md5, DumpHeader.Ip, 0, 32)
                    : new PacketDump(Convert.ToHexStringLower(p), DumpEncoding.Hex, DumpHeader.Ip, 0, (uint)p.Length))],
            };
            var reply = await AskAsync(legacy.LocalEndPoint.Port, request, schema);
            return (TraceResultView.From(reply.MessageId, reply.Export), reply);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(database) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>One request as a line; two lines back, each a whole schema-valid document: the message id, then the AllResultExport.</summary>
    internal static async Task<ClientTraceReply> AskAsync(int port, ClientTraceRequest request, XmlSchemaSet schema)
    {
        var codec = new MessageCodec();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(codec.EncodeLine(request));
        using var lines = new StreamReader(stream, new UTF8Encoding(false));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string first = (await lines.ReadLineAsync(timeout.Token))!;
        string second = (await lines.ReadLineAsync(timeout.Token))!;
        foreach (var line in new[] { first, second })
        {
            Protocol.MessageCodecTests.Validate(Encoding.UTF8.GetBytes(line), schema);
        }
        var id = Assert.IsType<ClientMessageIdReply>(codec.Decode(Encoding.UTF8.GetBytes(first))).MessageId;
        var result = Assert.IsType<ClientTraceReply>(codec.Decode(Encoding.UTF8.GetBytes(second)));
        Assert.Equal(id, result.MessageId);
        Assert.IsType<AllResultExport>(result.Export);
        return result;
    }
}
