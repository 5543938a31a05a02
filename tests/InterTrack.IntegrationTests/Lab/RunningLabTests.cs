using InterTrack.Lab;

namespace InterTrack.IntegrationTests.Lab;

/// <summary>
/// A running lab is safe from commands meant for another: a lab's directory and one of its
/// namespaces are made by hand (nothing is started), as root, and removed when the test ends, also
/// when it fails.
/// </summary>
public sealed class RunningLabTests : IDisposable
{
    private readonly string _id = $"r{Random.Shared.Next(0x1000000):x6}";
    private readonly string _other = $"o{Random.Shared.Next(0x1000000):x6}";
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-running-lab-").FullName;
    private readonly string _otherDir = Path.Combine(Path.GetTempPath(), $"intertrack-other-lab-{Guid.NewGuid():N}");

    /// <summary>Lab <see cref="_id"/> "running" in <see cref="_dir"/>: its lab.json, a capture, and one of its namespaces.</summary>
    private string StartLab()
    {
        Requires.Root();
        LabDesign.Plan(LabTopology.Generate(3, seed: 1), new LabOptions { Id = _id, Directory = _dir }, InterTrack.Cli.TracebackKinds.All).Save();
        File.WriteAllText(Path.Combine(_dir, "victim.pcap"), "the running lab's capture");
        string ns = $"{_id}-as65001-r1";
        Shell.Run("ip", "netns", "add", ns);
        return ns;
    }

    private static bool Exists(string ns) => Shell.Run("ip", "netns", "list").Split('\n').Any(l => l.Split(' ')[0] == ns);

    private static void AssertRefused(string expected, (int Code, string Output, string Error) run)
    {
        Assert.Equal(2, run.Code);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [SkippableFact]
    public void Up_with_another_id_in_a_running_labs_directory_is_refused_and_deletes_nothing()
    {
        string ns = StartLab();
        Requires.Programs("bird", "birdc", "pmacctd", "tcpdump", "setsid", "nft"); // what 'lab up' checks for before anything

        AssertRefused($"--dir: {_dir} holds lab '{_id}', which is running", CliRunner.Run("lab", "up", "--lab", _other, "--ases", "3", "--dir", _dir));

        Assert.Equal(_id, LabPlan.Load(_dir).Id);
        Assert.Equal("the running lab's capture", File.ReadAllText(Path.Combine(_dir, "victim.pcap")));
        Assert.True(Exists(ns));
        Assert.Empty(LabNamespaces.OfLab(_other));
    }

    [SkippableFact]
    public void Up_or_run_with_a_running_labs_id_is_refused_and_leaves_that_lab_running()
    {
        string ns = StartLab();
        Requires.Programs("bird", "birdc", "pmacctd", "tcpdump", "setsid", "nft");

        AssertRefused($"lab '{_id}' is already running", CliRunner.Run("lab", "up", "--lab", _id, "--ases", "3", "--dir", _otherDir));
        AssertRefused($"lab '{_id}' is already running", CliRunner.Run("lab", "run", "--lab", _id, "--ases", "3", "--dir", _otherDir));

        Assert.True(Exists(ns)); // 'run' took down nothing it had not started
        Assert.True(File.Exists(Path.Combine(_dir, LabPlan.FileName)));
        Assert.False(Directory.Exists(_otherDir));
    }

    [SkippableTheory]
    [InlineData("down")]
    [InlineData("attack")]
    [InlineData("trace")]
    public void A_lab_id_other_than_the_one_saved_in_the_directory_is_refused_naming_both(string command)
    {
        string ns = StartLab();

        AssertRefused($"--lab: '{_other}' is not the lab in {_dir}, which is '{_id}'", CliRunner.Run("lab", command, "--lab", _other, "--dir", _dir));

        Assert.True(Exists(ns));
        Assert.True(File.Exists(Path.Combine(_dir, LabPlan.FileName)));
    }

    [SkippableFact]
    public void Down_takes_the_id_saved_in_the_directory()
    {
        string ns = StartLab();

        var run = CliRunner.Run("lab", "down", "--dir", _dir);

        Assert.Equal(0, run.Code);
        Assert.Contains($"lab {_id} down: 0 processes stopped, 1 namespaces removed", run.Output, StringComparison.Ordinal);
        Assert.False(Exists(ns));
        Assert.False(Directory.Exists(_dir));
    }

    public void Dispose()
    {
        if (Environment.UserName == "root")
        {
            LabNamespaces.Remove(_id);
            LabNamespaces.Remove(_other);
        }
        foreach (string dir in new[] { _dir, _otherDir }.Where(Directory.Exists))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
