namespace InterTrack.Tests.Cli;

public sealed class TopologyCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-topology-").FullName;

    [Fact]
    public void Stats_counts_a_hand_written_file_exactly()
    {
        // AS1 and AS2 sell to 3 and 4 (4 multihomed), 3 sells to 5; stubs 4, 5 and 6 (6 alone, a peer of 5).
        string file = Write("# comment\n1|2|0\n1|3|-1\n1|4|-1\n2|4|-1\n3|5|-1|bgp\n5|6|0\n");
        var run = CliRunner.Run("topology", "stats", file);
        Assert.Equal(0, run.Code);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Equal(
        [
            "ASes 6", "provider–customer links 4", "peer links 2", "multihomed (≥ 2 providers) 16.7 %", "stubs (no customers) 3",
            "stubs without peers 33.3 %", "largest customer cones AS1 4, AS2 2, AS3 2, AS4 1, AS5 1, AS6 1", "provider–customer cycle none",
        ], lines);
    }

    [Fact]
    public void Generate_prints_the_statistics_of_the_file_it_wrote()
    {
        string file = Path.Combine(_dir, "t.as-rel");
        var generated = CliRunner.Run("topology", "generate", "--ases", "300", "--seed", "4", "--out", file);
        Assert.Equal(0, generated.Code);
        var stats = CliRunner.Run("topology", "stats", file);
        Assert.EndsWith(stats.Output, generated.Output, StringComparison.Ordinal);
        Assert.StartsWith("realistic topology", generated.Output, StringComparison.Ordinal);
        var classic = CliRunner.Run("topology", "generate", "--ases", "300", "--seed", "4", "--model", "classic", "--out", file);
        Assert.StartsWith("classic topology", classic.Output, StringComparison.Ordinal);
        Assert.NotEqual(stats.Output, CliRunner.Run("topology", "stats", file).Output);
    }

    [Theory]
    [InlineData(null, "no such file")]
    [InlineData("1|2|-1\nnot a line\n", "line 2: expected 'AS|AS|-1'")]
    [InlineData("1|2|-1\n2|1|-1\n", "line 2: AS2 and AS1 already have a relationship")]
    public void Bad_input_to_stats_is_one_line_and_exit_2(string? text, string expected)
    {
        string file = text is null ? Path.Combine(_dir, "missing") : Write(text);
        var run = CliRunner.Run("topology", "stats", file);
        Assert.Equal(2, run.Code);
        Assert.Equal($"error: {file}: ", run.Error[..$"error: {file}: ".Length]);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void An_unknown_model_is_refused()
    {
        var run = CliRunner.Run("topology", "generate", "--ases", "300", "--model", "fancy", "--out", Path.Combine(_dir, "t"));
        Assert.Equal(2, run.Code);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("--model", run.Error, StringComparison.Ordinal);
    }

    private string Write(string text)
    {
        string file = Path.Combine(_dir, $"{Guid.NewGuid():N}.as-rel");
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
