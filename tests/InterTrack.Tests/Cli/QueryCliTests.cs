using InterTrack.Flow.Store;
using InterTrack.Packets.Capture;
using InterTrack.Tests.Flow;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Cli;

/// <summary>
/// What a script reads from <c>query</c>'s exit code: 1 (not seen) only when the evidence covering
/// the packet's time was asked; 3 when none kept covers it; 2 when the directory cannot answer at
/// all (missing, empty, or the other kind of evidence), told before any other work.
/// </summary>
public sealed class QueryCliTests : IDisposable
{
    /// <summary>UDP 198.18.0.0:1024 → 203.0.113.7:53, the flow of <see cref="FlowTestRecords.Udp"/>(0).</summary>
    private const string FlowPacket = "4500001c0000000040110000c6120000cb0071070400003500080000";
    /// <summary>The same but from source port 1025: a flow no record has.</summary>
    private const string OtherFlowPacket = "4500001c0000000040110000c6120000cb0071070401003500080000";

    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-query-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    public QueryCliTests()
    {
        string pcap = PathOf("a.pcap");
        using (var writer = PcapWriter.Create(pcap, LinkType.Raw, nanoseconds: true))
        {
            writer.Write(TestPackets.Udp4(1), FlowTestRecords.T0Ms * 1_000_000);
        }
        Assert.Equal(0, CliRunner.Run("digest", "--pcap", pcap, "--out", PathOf("digests")).Code);
        using (var store = FlowStore.OpenWriter(PathOf("flows"), time: new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(FlowTestRecords.T0Ms))))
        {
            store.Append([FlowTestRecords.Udp(0)]);
        }
        Directory.CreateDirectory(PathOf("empty"));
    }

    [Theory]
    [InlineData("--digests", "empty", "--digests {}: empty: no digest pages kept")]
    [InlineData("--digests", "flows", "--digests {}: holds no digest pages (it looks like a flow store: use --flows)")]
    [InlineData("--flows", "empty", "--flows {}: empty: no flow records kept")]
    [InlineData("--flows", "digests", "--flows {}: holds no flow records (it looks like a digest directory: use --digests)")]
    [InlineData("--digests", "missing", "--digests {}: no such directory")]
    [InlineData("--flows", "missing", "--flows {}: no such directory")]
    [InlineData("--digests", "a.pcap", "--digests {}: a file, not a directory")]
    public void A_directory_that_cannot_answer_is_an_error_naming_the_option_before_the_packet_is_read(string option, string directory, string message)
    {
        // The capture does not exist: had the packet been read first, the error would be about it.
        var run = CliRunner.Run("query", option, PathOf(directory), "--pcap", PathOf("no-such.pcap"), "--index", "0");
        Assert.Equal(2, run.Code);
        Assert.Equal($"error: {message.Replace("{}", PathOf(directory), StringComparison.Ordinal)}\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Asking_a_whole_capture_of_an_empty_directory_is_an_error_too()
    {
        var run = CliRunner.Run("query", "--digests", PathOf("empty"), "--pcap", PathOf("a.pcap"), "--all");
        Assert.Equal(2, run.Code);
        Assert.Equal($"error: --digests {PathOf("empty")}: empty: no digest pages kept\n", run.Error);
    }

    [Fact]
    public void Digests_answer_seen_0_not_seen_1_and_a_time_no_page_covers_unknown_3()
    {
        string at = (FlowTestRecords.T0Ms / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, CliRunner.Run("query", "--digests", PathOf("digests"), "--hex", Convert.ToHexString(TestPackets.Udp4(1)), "--at", at).Code);
        var notSeen = CliRunner.Run("query", "--digests", PathOf("digests"), "--hex", Convert.ToHexString(TestPackets.Udp4(2)), "--at", at);
        Assert.Equal((1, "not seen"), (notSeen.Code, notSeen.Output.Split('\n')[0]));
        var expired = CliRunner.Run("query", "--digests", PathOf("digests"), "--hex", Convert.ToHexString(TestPackets.Udp4(1)), "--at", "2020-01-01T00:00:00Z");
        Assert.Equal((3, "expired: no kept page (of 1) covers that time"), (expired.Code, expired.Output.Split('\n')[0]));
    }

    [Fact]
    public void Flows_answer_seen_0_not_seen_1_and_a_time_no_record_covers_unknown_3()
    {
        string at = (FlowTestRecords.T0Ms / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, CliRunner.Run("query", "--flows", PathOf("flows"), "--hex", FlowPacket, "--at", at).Code);
        var notSeen = CliRunner.Run("query", "--flows", PathOf("flows"), "--hex", OtherFlowPacket, "--at", at);
        Assert.Equal((1, "not seen"), (notSeen.Code, notSeen.Output.Split('\n')[0]));
        var expired = CliRunner.Run("query", "--flows", PathOf("flows"), "--hex", FlowPacket, "--at", "2020-01-01T00:00:00Z");
        Assert.Equal((3, "expired: no kept flow record (of 1) covers that time"), (expired.Code, expired.Output.Split('\n')[0]));
    }

    [Fact]
    public void The_help_gives_every_exit_code()
    {
        var help = CliRunner.Run("query", "--help");
        Assert.Equal(0, help.Code);
        string text = System.Text.RegularExpressions.Regex.Replace(help.Output, @"\s+", " ");
        foreach (var code in new[] { "0 seen", "1 not seen", "3 unknown", "2 error" })
        {
            Assert.Contains(code, text, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
