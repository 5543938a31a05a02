using System.Text.Json;
using InterTrack.Packets.Capture;

namespace InterTrack.Tests.Cli;

public sealed class DigestCliTests : IDisposable
{
    private const long T0 = 1_764_000_000L * 1_000_000_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-cli-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string WriteCapture(string name, int count, Func<int, byte[]>? packet = null)
    {
        string path = PathOf(name);
        using var writer = PcapWriter.Create(path, LinkType.Ethernet, nanoseconds: true);
        for (int i = 0; i < count; i++)
        {
            writer.Write(TestPackets.Frame((packet ?? (j => TestPackets.Udp4(j)))(i), LinkType.Ethernet), T0 + i * 1_000_000L);
        }
        return path;
    }

    [Fact]
    public void Digest_then_query_answers_like_grep_seen_0_not_seen_1()
    {
        string pcap = WriteCapture("attack.pcap", 1000);
        var digest = CliRunner.Run("digest", "--pcap", pcap, "--out", PathOf("d"), "--link", "r1-eth0", "--page-packets", "100000");
        Assert.True(digest.Code == 0, digest.Error);
        Assert.Contains("packets: 1000 (1000 digested, 0 not IP)", digest.Output, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(PathOf("d"), "*.itd"));

        var seen = CliRunner.Run("query", "--digests", PathOf("d"), "--pcap", pcap, "--index", "617", "--json");
        Assert.Equal(0, seen.Code);
        using var json = JsonDocument.Parse(seen.Output);
        Assert.True(json.RootElement.GetProperty("seen").GetBoolean());
        Assert.False(json.RootElement.GetProperty("expired").GetBoolean());
        var match = Assert.Single(json.RootElement.GetProperty("matches").EnumerateArray());
        Assert.Equal("r1-eth0", match.GetProperty("link").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_000_000), match.GetProperty("windowStart").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_000_000).AddMilliseconds(999), match.GetProperty("windowEnd").GetDateTimeOffset());
        Assert.InRange(match.GetProperty("falsePositiveRate").GetDouble(), 0, 1e-6);

        // The same packet by hex, after a router hop (another TTL): seen. Another packet: not seen.
        var hopped = Convert.ToHexString(TestPackets.Udp4(617, ttl: 3));
        Assert.Equal(0, CliRunner.Run("query", "--digests", PathOf("d"), "--hex", hopped).Code);
        var never = CliRunner.Run("query", "--digests", PathOf("d"), "--hex", Convert.ToHexString(TestPackets.Udp4(5000)));
        Assert.Equal(1, never.Code);
        Assert.StartsWith("not seen", never.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_all_answers_every_packet_of_a_capture_at_its_time()
    {
        string pcap = WriteCapture("attack.pcap", 3000);
        Assert.Equal(0, CliRunner.Run("digest", "--pcap", pcap, "--out", PathOf("d"), "--page-packets", "1000").Code); // 3 pages

        var all = CliRunner.Run("query", "--digests", PathOf("d"), "--pcap", pcap, "--all", "--json");
        Assert.True(all.Code == 0, all.Error);
        using (var json = JsonDocument.Parse(all.Output))
        {
            Assert.Equal((3000, 3000, 0, 0), (json.RootElement.GetProperty("packets").GetInt64(), json.RootElement.GetProperty("seen").GetInt64(),
                json.RootElement.GetProperty("notSeen").GetInt64(), json.RootElement.GetProperty("expired").GetInt64()));
        }

        // Other packets in the same time: not seen (but for false positives); at another time: expired.
        string others = WriteCapture("others.pcap", 3000, j => TestPackets.Udp4(100_000 + j));
        var none = CliRunner.Run("query", "--digests", PathOf("d"), "--pcap", others, "--all", "--json");
        Assert.Equal(1, none.Code);
        using (var json = JsonDocument.Parse(none.Output))
        {
            // Each is asked of the 3 pages within ±2 s, full pages at 0.24 % false positives each: ~22 expected.
            Assert.InRange(json.RootElement.GetProperty("seen").GetInt64(), 0, 50);
            Assert.Equal(0, json.RootElement.GetProperty("expired").GetInt64());
        }
        string later = PathOf("later.pcap");
        using (var writer = PcapWriter.Create(later, LinkType.Ethernet, nanoseconds: true))
        {
            writer.Write(TestPackets.Frame(TestPackets.Udp4(1), LinkType.Ethernet), T0 + 3_600_000_000_000);
        }
        var expired = CliRunner.Run("query", "--digests", PathOf("d"), "--pcap", later, "--all");
        Assert.Equal(3, expired.Code); // none was looked for and missed: unknown
        Assert.Contains("expired 1", expired.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_query_at_a_time_no_page_covers_says_expired()
    {
        string pcap = WriteCapture("a.pcap", 10);
        Assert.Equal(0, CliRunner.Run("digest", "--pcap", pcap, "--out", PathOf("d")).Code);
        var result = CliRunner.Run("query", "--digests", PathOf("d"), "--pcap", pcap, "--index", "3", "--at", "2020-01-01T00:00:00Z", "--json");
        Assert.Equal(3, result.Code); // unknown, not "not seen"
        using var json = JsonDocument.Parse(result.Output);
        Assert.True(json.RootElement.GetProperty("expired").GetBoolean());
        Assert.False(json.RootElement.GetProperty("seen").GetBoolean());
        Assert.StartsWith("expired", CliRunner.Run("query", "--digests", PathOf("d"), "--pcap", pcap, "--index", "3", "--at", "1577836800").Output,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_capture_is_an_error_naming_the_offset_and_the_packets_before_it_are_kept()
    {
        string pcap = WriteCapture("cut.pcap", 50);
        var bytes = File.ReadAllBytes(pcap);
        File.WriteAllBytes(pcap, bytes[..^20]); // cut into the last record
        var digest = CliRunner.Run("digest", "--pcap", pcap, "--out", PathOf("d"));
        Assert.Equal(2, digest.Code);
        Assert.Contains("truncated packet record at byte offset", digest.Error, StringComparison.Ordinal);
        Assert.Contains("the 49 packets before it were digested and saved", digest.Error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("query", "--digests", PathOf("d"), "--hex", Convert.ToHexString(TestPackets.Udp4(48))).Code);
        Assert.Equal(1, CliRunner.Run("query", "--digests", PathOf("d"), "--hex", Convert.ToHexString(TestPackets.Udp4(49))).Code);
    }

    [Theory]
    [InlineData("query", "--digests", "{d}", "--hex", "zz")]
    [InlineData("query", "--digests", "{d}", "--hex", "4500")]
    [InlineData("query", "--digests", "{d}")]
    [InlineData("query", "--digests", "{d}", "--pcap", "{pcap}")]
    [InlineData("query", "--digests", "{d}", "--pcap", "{pcap}", "--index", "99")]
    [InlineData("query", "--digests", "{missing}", "--pcap", "{pcap}", "--index", "0")]
    [InlineData("digest", "--pcap", "{missing}", "--out", "{d}")]
    [InlineData("digest", "--pcap", "{pcap}", "--out", "{d}", "--hashes", "40")]
    [InlineData("digest", "--pcap", "{notcapture}", "--out", "{d}")]
    public void Bad_input_is_an_error_with_exit_code_2(params string[] args)
    {
        string pcap = WriteCapture("ok.pcap", 5);
        File.WriteAllText(PathOf("text.txt"), "not a capture at all");
        Assert.Equal(0, CliRunner.Run("digest", "--pcap", pcap, "--out", PathOf("d")).Code);
        var resolved = args.Select(a => a.Replace("{d}", PathOf("d"), StringComparison.Ordinal).Replace("{pcap}", pcap, StringComparison.Ordinal)
            .Replace("{missing}", PathOf("missing"), StringComparison.Ordinal).Replace("{notcapture}", PathOf("text.txt"), StringComparison.Ordinal)).ToArray();
        var result = CliRunner.Run(resolved);
        Assert.Equal(2, result.Code);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal); // no stack trace
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

/// <summary>User mistakes get one line "error: …" and exit 2, never a stack trace, and outputs are checked before long work.</summary>
public sealed class CliMistakeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-mistakes-").FullName;

    [Theory]
    [InlineData("--as must be an AS number", "pki", "issue", "--ca", "CA", "--as", "-1", "--role", "itm", "--out", "OUT")]
    [InlineData("--as must be an AS number", "pki", "issue", "--ca", "CA", "--as", "4294967296", "--role", "itm", "--out", "OUT")]
    [InlineData("--wait must be a number of seconds above 0", "trace", "--dp", "127.0.0.1:9", "--hex", "4500", "--wait", "0", "--cert", "a", "--key", "b",
        "--ca", "c")]
    [InlineData("--wait must be a number of seconds above 0", "trace", "--dp", "127.0.0.1:9", "--hex", "4500", "--wait", "-5", "--cert", "a", "--key", "b",
        "--ca", "c")]
    [InlineData("--hex: not an IPv4 or IPv6 packet", "trace", "--dp", "127.0.0.1:9", "--hex", "45000014000000004011", "--cert", "a", "--key", "b", "--ca", "c")]
    [InlineData("is a directory, not a file", "run", "--config", "DIR")]
    [InlineData("is a directory, not a file", "emulate", "--scenario", "DIR")]
    [InlineData("is a directory, not a capture file", "query", "--digests", "DIR", "--pcap", "DIR", "--index", "0")]
    [InlineData("--tolerance must be 0 or more", "query", "--digests", "DIR", "--hex", "4500", "--tolerance", "-2")]
    [InlineData("/proc/x/y", "topology", "generate", "--ases", "100", "--out", "/proc/x/y")]
    [InlineData("--svg: cannot write", "demo", "--svg", "/nonexistent-dir/demo.svg")]
    [InlineData("--ases: 2: a lab has 3 to 200 ASes", "lab", "up", "--ases", "2", "--dir", "DIR")]
    [InlineData("AS1 is not in the topology", "lab", "up", "--victim", "1", "--dir", "DIR")]
    [InlineData("--flow: 'x' is not an AS number", "lab", "up", "--flow", "x", "--dir", "DIR")]
    [InlineData("--lab: 'A-B'", "lab", "up", "--lab", "A-B", "--dir", "DIR")]
    [InlineData("--packets: 0: must be from 1 to 100000", "lab", "attack", "--packets", "0", "--dir", "DIR")]
    [InlineData("no lab here", "lab", "trace", "--dir", "DIR")]
    [InlineData("--json: cannot write", "lab", "run", "--json", "/nonexistent-dir/lab.json")]
    public void A_mistake_is_one_line_and_exit_2(string expected, params string[] args)
    {
        var run = CliRunner.Run([.. args.Select(a => a.Replace("DIR", _dir, StringComparison.Ordinal).Replace("CA", _dir,
            StringComparison.Ordinal).Replace("OUT", _dir, StringComparison.Ordinal))]);
        Assert.Equal(2, run.Code);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_busy_collector_address_is_named()
    {
        using var taken = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        string at = taken.Client.LocalEndPoint!.ToString()!;
        var run = CliRunner.Run("flows", "--listen", at, "--out", Path.Combine(_dir, "flows"), "--duration", "1");
        Assert.Equal(2, run.Code);
        Assert.StartsWith($"error: --listen: cannot listen on UDP {at}: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unwritable_output_is_refused_before_the_emulation_runs()
    {
        string scenario = Path.Combine(RepositoryPaths.Root, "docs", "examples", "scenario-500.json");
        var run = CliRunner.Run("emulate", "--scenario", scenario, "--json", Path.Combine(_dir, "missing", "report.json"));
        Assert.Equal(2, run.Code);
        Assert.Contains("--json: cannot write", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("topology:", run.Output, StringComparison.Ordinal); // nothing ran
    }

    [Theory]
    [InlineData("--rid-port", "0", "--rid-port needs --serve")]
    [InlineData("--legacy-client-port", "9005", "--legacy-client-port needs --serve")]
    public void A_served_emulations_port_without_serve_is_refused(string option, string value, string message)
    {
        string scenario = Path.Combine(RepositoryPaths.Root, "docs", "examples", "scenario-500.json");
        var run = CliRunner.Run("emulate", "--scenario", scenario, option, value);
        Assert.Equal(2, run.Code);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bound_on_skip_over_with_skip_over_off_is_refused()
    {
        string scenario = Path.Combine(RepositoryPaths.Root, "docs", "examples", "scenario-500.json");
        var run = CliRunner.Run("emulate", "--scenario", scenario, "--no-skip-over", "--skip-over-bound", "5");
        Assert.Equal(2, run.Code);
        Assert.Contains("--skip-over-bound bounds what skip-over asks, and --no-skip-over asks nothing: give one of them.", run.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_deployment_field_lists_the_deployments_own_fields_beside_the_kinds_settings()
    {
        string scenario = Path.Combine(_dir, "scenario.json");
        File.WriteAllText(scenario,
            """{ "topology": { "generate": { "ases": 100 } }, "attackers": [{ "count": 3 }], "deployment": { "skipOverBund": 5 } }""");
        var run = CliRunner.Run("emulate", "--scenario", scenario);
        Assert.Equal(2, run.Code);
        Assert.Contains("deployment.skipOverBund: not a setting of the deployment (", run.Error, StringComparison.Ordinal);
        Assert.Contains("skipOverBound", run.Error.Split("nor of a kind")[0], StringComparison.Ordinal);
    }

    /// <summary>A port of the served emulation that another program holds: one line naming the option, at once rather than after the start-up.</summary>
    [Theory]
    [InlineData("--legacy-client-port")]
    [InlineData("--rid-port")]
    [InlineData("--web-port")]
    [InlineData("--metrics-port")]
    public void A_served_emulations_port_in_use_is_named_before_the_emulation_starts(string option)
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        string port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string scenario = Path.Combine(RepositoryPaths.Root, "docs", "examples", "scenario-500.json");
        var run = CliRunner.Run("emulate", "--scenario", scenario, "--serve", "--serve-dir", Path.Combine(_dir, "served"), option, port);
        Assert.Equal(2, run.Code);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {option} {port}: port already in use on 127.0.0.1", line, StringComparison.Ordinal);
        Assert.DoesNotContain("topology:", run.Output, StringComparison.Ordinal); // nothing was built
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
