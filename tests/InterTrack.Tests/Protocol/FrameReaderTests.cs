using System.IO.Pipelines;
using System.Text;
using InterTrack.Protocol;
using InterTrack.Protocol.Framing;
using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Protocol;

public class FrameReaderTests
{
    private static readonly MessageCodec Codec = new();

    [Fact]
    public async Task Documents_back_to_back_are_split_exactly_whatever_the_segmentation()
    {
        var first = Codec.Encode(MessageSamples.ItmRequest(2));
        var second = Encoding.UTF8.GetBytes("""
            <!-- a comment with </InterTrackMessage> inside -->
            <InterTrackMessage type="HeartbeatRequest"><HeartbeatRequest><Master><NodeID idtype="FQDN"><FQDN><![CDATA[a</InterTrackMessage>b]]></FQDN></NodeID>
            """ + """<Signature>/&gt;</Signature></Master><Options><Option type="p>q/">v</Option></Options></HeartbeatRequest></InterTrackMessage>""");
        var third = Codec.Encode(new HeartbeatRequest(NeighborNode.ForItm(9)));
        var stream = first.Concat("\n  "u8.ToArray()).Concat(second).Concat(third).Concat("\r\n"u8.ToArray()).ToArray();

        foreach (int chunk in new[] { 1, 2, 7, 64, stream.Length })
        {
            var frames = await ReadAllAsync(stream, chunk);
            Assert.Equal(3, frames.Count);
            Assert.Equal(first, frames[0]);
            Assert.Equal(MessageSamples.ItmRequest(2), Codec.Decode(frames[0]));
            var heartbeat = Assert.IsType<HeartbeatRequest>(Codec.Decode(frames[1]));
            Assert.Equal("a</InterTrackMessage>b", ((FqdnNodeId)heartbeat.Master.NodeId).Fqdn);
            Assert.Equal("p>q/", heartbeat.Options[0].Type);
            Assert.Equal(third, frames[2]);
        }
    }

    [Fact]
    public async Task A_self_closing_root_is_a_whole_document()
    {
        var frames = await ReadAllAsync("""<InterTrackMessage type="Config"/><InterTrackMessage type="Config" />"""u8.ToArray(), 3);
        Assert.Equal(2, frames.Count);
        var e = Assert.Throws<ProtocolException>(() => Codec.Decode(frames[0]));
        Assert.Contains("no body", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<!DOCTYPE x><x/>", "DOCTYPE")]
    [InlineData("hello", "outside")]
    [InlineData("<a><b></a>", "does not match")]
    [InlineData("</a>", "end tag before")]
    [InlineData("<a><!-x--></a>", "comment")]
    public async Task Broken_framing_is_fatal(string input, string reason)
    {
        var e = await Assert.ThrowsAsync<ProtocolException>(() => ReadAllAsync(Encoding.UTF8.GetBytes(input), 1));
        Assert.True(e.Fatal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_byte_cap_is_enforced_while_scanning()
    {
        var limits = new ProtocolLimits { MaxMessageBytes = 2048 };
        var big = Encoding.UTF8.GetBytes("<a>" + new string('x', 4096) + "</a>");
        var e = await Assert.ThrowsAsync<ProtocolException>(() => ReadAllAsync(big, 100, limits));
        Assert.Equal("message too large", e.PublicText);
        Assert.Single(await ReadAllAsync(Encoding.UTF8.GetBytes("<a>" + new string('x', 2000) + "</a>"), 100, limits));
    }

    [Fact]
    public async Task A_stream_ending_inside_a_document_is_reported_and_between_documents_is_clean()
    {
        var e = await Assert.ThrowsAsync<ProtocolException>(() => ReadAllAsync("<a><b/>"u8.ToArray(), 2));
        Assert.Equal("truncated message", e.PublicText);
        Assert.Empty(await ReadAllAsync(" \n "u8.ToArray(), 1));
    }

    private static async Task<List<byte[]>> ReadAllAsync(byte[] stream, int chunk, ProtocolLimits? limits = null)
    {
        var pipe = new Pipe();
        var reader = new FrameReader(pipe.Reader, limits ?? ProtocolLimits.Default);
        var writing = Task.Run(async () =>
        {
            for (int i = 0; i < stream.Length; i += chunk)
            {
                await pipe.Writer.WriteAsync(stream.AsMemory(i, Math.Min(chunk, stream.Length - i)));
            }
            await pipe.Writer.CompleteAsync();
        });
        var frames = new List<byte[]>();
        try
        {
            while (await reader.ReadFrameAsync(CancellationToken.None) is { } frame)
            {
                frames.Add(frame);
            }
        }
        finally
        {
            await pipe.Reader.CompleteAsync();
        }
        await writing;
        return frames;
    }
}
