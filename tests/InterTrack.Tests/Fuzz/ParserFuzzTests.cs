using System.IO.Pipelines;
using CsCheck;
using InterTrack.Digest;
using InterTrack.Flow;
using InterTrack.Flow.Export;
using InterTrack.Packets.Capture;
using InterTrack.Protocol;
using InterTrack.Protocol.Framing;
using InterTrack.Tests.Capture;
using InterTrack.Tests.Flow;
using InterTrack.Tests.Protocol;

namespace InterTrack.Tests.Fuzz;

/// <summary>
/// Fuzzing with CsCheck: every parser that reads what a peer or a file hands it — the frame
/// scanner and the message codec, the pcap and pcapng readers with the link-layer decoding, the
/// IPFIX/NetFlow v9 parser — gets damaged inputs grown from valid samples, plus the kept corpus.
/// Each input must end in an answer or the parser's own error (never another exception), and
/// within a bounded allocation. The suite tries 20,000 inputs per parser; set
/// INTERTRACK_FUZZ_ITERATIONS for a long run (docs/benchmarks.md reports 10^6 each).
/// </summary>
public sealed class ParserFuzzTests
{
    private const long MaxAllocatedPerInput = 64L << 20;

    private static readonly ThreadLocal<MessageCodec> Codecs = new(() => new MessageCodec());

    [Fact]
    public void The_frame_scanner_and_codec_answer_every_damaged_stream()
    {
        var codec = new MessageCodec();
        var samples = MessageSamples.All().Select(codec.Encode).ToList();
        samples.Add([.. samples[0], .. samples[^1]]); // two documents back to back
        Run("frames", samples, Frames);
    }

    [Fact]
    public void The_capture_readers_answer_every_damaged_file()
    {
        Run("captures", CaptureSamples(), Capture);
    }

    [Fact]
    public void The_flow_export_parser_answers_every_damaged_export()
    {
        var samples = new List<byte[]>(new IpfixWriter(3, templateEvery: 2).Messages([.. Enumerable.Range(0, 60).Select(i => FlowTestRecords.Udp(i))],
            FlowTestRecords.T0Ms));
        var v9 = (byte[])samples[0].Clone();
        v9[1] = 9; // the same sets read as NetFlow v9
        samples.Add(v9);
        Run("exports", samples, Exports);
    }

    private static void Run(string target, IReadOnlyList<byte[]> samples, Action<byte[]> parse)
    {
        var corpus = DamagedInputs.Corpus(target).ToList();
        Assert.NotEmpty(corpus);
        List<byte[]> seeds = [.. samples, .. corpus];
        foreach (var seed in seeds)
        {
            Bounded(parse, seed);
        }
        DamagedInputs.From(seeds).Sample(input => Bounded(parse, input), iter: DamagedInputs.Iterations);
    }

    private static void Bounded(Action<byte[]> parse, byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        parse(input);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > MaxAllocatedPerInput)
        {
            throw new InvalidOperationException($"{allocated} bytes allocated for an input of {input.Length}");
        }
    }

    /// <summary>The input as a TCP stream: documents scanned one after another, each decoded.</summary>
    private static void Frames(byte[] input)
    {
        var frames = new FrameReader(PipeReader.Create(new MemoryStream(input)), ProtocolLimits.Default);
        try
        {
            while (frames.ReadFrameAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } frame)
            {
                try
                {
                    Codecs.Value!.Decode(frame);
                }
                catch (ProtocolException)
                {
                    // refused, as it should be; the stream goes on
                }
            }
        }
        catch (ProtocolException)
        {
            // framing lost: the connection would close
        }
    }

    private static void Capture(byte[] input)
    {
        Span<byte> invariant = stackalloc byte[PacketInvariant.MaxLength];
        try
        {
            using var reader = CaptureReader.Open(new MemoryStream(input));
            for (int n = 0; n < 100_000 && reader.TryRead(out var packet); n++)
            {
                DigestScheme.Xxh3.KeyFromFrame(packet.Data, packet.LinkType, invariant);
            }
        }
        catch (CaptureFormatException)
        {
            // damaged here: what came before was read
        }
    }

    private static readonly ThreadLocal<ExportParser> Parsers = new(() => new ExportParser { MaxHeldSets = 64 });

    private static void Exports(byte[] input)
    {
        var output = new List<FlowRecord>();
        var parser = Parsers.Value!;
        parser.Parse(input, 1, FlowTestRecords.T0Ms, output);
        parser.Expire(FlowTestRecords.T0Ms + 60_000);
    }

    /// <summary>Small pcap and pcapng files (both byte orders, several link types, encapsulated packets).</summary>
    private static List<byte[]> CaptureSamples()
    {
        var samples = new List<byte[]>();
        string path = Path.Combine(Path.GetTempPath(), $"intertrack-fuzz-{Guid.NewGuid():N}.pcap");
        try
        {
            foreach (var (link, nanoseconds) in new[] { (LinkType.Ethernet, false), (LinkType.Raw, true), (LinkType.LinuxSll, false) })
            {
                using (var writer = PcapWriter.Create(path, link, nanoseconds))
                {
                    for (int i = 0; i < 4; i++)
                    {
                        writer.Write(TestPackets.Frame(i % 2 == 0 ? TestPackets.Udp4(i) : TestPackets.Tcp6(i), link, vlanTags: i % 3),
                            1_764_000_000_000_000_000 + i);
                    }
                }
                samples.Add(File.ReadAllBytes(path));
            }
        }
        finally
        {
            File.Delete(path);
        }
        foreach (bool bigEndian in new[] { false, true })
        {
            using var stream = new MemoryStream();
            using (var writer = new PcapNgTestWriter(stream, bigEndian))
            {
                writer.Section();
                writer.Interface(LinkType.Ethernet, tsResolution: 9);
                writer.Enhanced(0, 1_764_000_000_000_000_000, TestPackets.Frame(TestPackets.Udp4(1), LinkType.Ethernet));
                writer.Simple(TestPackets.Frame(TestPackets.Tcp6(2), LinkType.Ethernet));
                writer.Unknown();
                writer.Interface(LinkType.Raw);
                writer.Enhanced(1, 1_764_000_000_000_000, TestPackets.Udp4(3));
                samples.Add(stream.ToArray());
            }
        }
        // Frames inside PPPoE, MPLS and VXLAN, so the link-layer decoding is fuzzed too.
        byte[] udp = TestPackets.Udp4(9);
        byte[] mac = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        samples.Add(PcapOf([.. mac, 0x88, 0x64, 0x11, 0, 0, 1, 0, (byte)(udp.Length + 2), 0x00, 0x21, .. udp], [.. mac, 0x88, 0x47, 0, 1, 1, 64, .. udp]));
        return samples;
    }

    private static byte[] PcapOf(params byte[][] frames)
    {
        string path = Path.Combine(Path.GetTempPath(), $"intertrack-fuzz-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var writer = PcapWriter.Create(path, LinkType.Ethernet))
            {
                foreach (var frame in frames)
                {
                    writer.Write(frame, 1_764_000_000_000_000_000);
                }
            }
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
