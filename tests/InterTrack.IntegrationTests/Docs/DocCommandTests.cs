using System.Diagnostics;
using System.Text;
using InterTrack.Lab;

namespace InterTrack.IntegrationTests.Docs;

/// <summary>
/// Every <c>```sh</c> block of the README and docs/ runs as written — the blocks of one page in
/// order, as a reader runs them, in one directory — in a copy of the docs with
/// <c>intertrack</c> on the PATH (the built command, which the README's alias and
/// <c>dotnet run --project src/InterTrack.Cli</c> stand for), under <c>bash -e -o pipefail</c>.
/// A block that cannot run in the suite says why in an HTML comment on the line before it
/// (<c>&lt;!-- not run by DocCommandTests: REASON --&gt;</c>); blocks that build the lab need root.
/// The loopback ports the blocks and the example configurations name are free ones in the copy
/// (<see cref="DocumentedPorts"/>), and what the blocks leave in the working tree must be ignored
/// by the repository's .gitignore.
/// </summary>
public sealed class DocCommandTests
{
    private const string NotRun = "<!-- not run by DocCommandTests:";
    private const string DotnetRun = "dotnet run --project src/InterTrack.Cli -c Release --";

    internal sealed record Block(string File, int Number, string Script, string? NotRunBecause)
    {
        public string Id => $"{File}#{Number}";
    }

    internal static List<Block> All()
    {
        var files = new[] { Path.Combine(RepositoryPaths.Root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md").Order(StringComparer.Ordinal));
        var blocks = new List<Block>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            int number = 0;
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].Trim() != "```sh")
                {
                    continue;
                }
                var script = new StringBuilder();
                int j = i + 1;
                for (; j < lines.Length && lines[j].Trim() != "```"; j++)
                {
                    script.AppendLine(lines[j]);
                }
                string before = i > 0 ? lines[i - 1].Trim() : "";
                string? reason = before.StartsWith(NotRun, StringComparison.Ordinal)
                    ? before[NotRun.Length..].Replace("-->", "", StringComparison.Ordinal).Trim() : null;
                blocks.Add(new Block(Path.GetRelativePath(RepositoryPaths.Root, file), ++number, script.ToString(), reason is { Length: > 0 } ? reason : null));
                i = j;
            }
        }
        return blocks;
    }

    /// <summary>The pages with blocks to run.</summary>
    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        foreach (var page in All().Where(b => b.NotRunBecause is null).Select(b => b.File).Distinct())
        {
            data.Add(page);
        }
        return data;
    }

    [Fact]
    public void The_docs_have_command_blocks_and_each_one_not_run_says_why()
    {
        var blocks = All();
        Assert.True(blocks.Count(b => b.NotRunBecause is null) >= 8, $"only {blocks.Count(b => b.NotRunBecause is null)} runnable blocks found");
        Assert.All(blocks.Where(b => b.NotRunBecause is not null), b => Assert.True(b.NotRunBecause!.Length > 10, $"{b.Id}: say why it is not run"));
    }

    [Fact]
    public void The_scenario_shown_in_emulation_md_runs()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "docs", "emulation.md"));
        int start = Array.FindIndex(lines, l => l.Trim() == "```json");
        int end = Array.FindIndex(lines, start + 1, l => l.Trim() == "```");
        string path = Path.Combine(Path.GetTempPath(), $"intertrack-doc-scenario-{Guid.NewGuid():N}.json");
        File.WriteAllLines(path, lines[(start + 1)..end]);
        try
        {
            var run = CliRunner.Run("emulate", "--scenario", path);
            Assert.True(run.Code == 0, run.Error);
            Assert.Contains("InterTrack", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Pages))]
    public void The_command_blocks_of_a_page_run_as_written(string page)
    {
        var blocks = All().Where(b => b.File == page && b.NotRunBecause is null).ToList();
        bool lab = blocks.Any(b => b.Script.Contains("intertrack lab ", StringComparison.Ordinal) || b.Script.Contains("ip netns", StringComparison.Ordinal));
        if (lab)
        {
            Requires.Root();
            Skip.If(LabNamespaces.OfLab("itl").Count > 0, "a lab 'itl' is running on this machine; the docs' lab blocks would meet it");
        }
        string work = Directory.CreateTempSubdirectory("intertrack-docs-").FullName;
        using var ports = new DocumentedPorts();
        try
        {
            Copy(Path.Combine(RepositoryPaths.Root, "docs"), Path.Combine(work, "docs"));
            File.Copy(Path.Combine(RepositoryPaths.Root, "README.md"), Path.Combine(work, "README.md"));
            File.Copy(Path.Combine(RepositoryPaths.Root, ".gitignore"), Path.Combine(work, ".gitignore"));
            foreach (var configuration in Directory.GetFiles(Path.Combine(work, "docs", "examples"), "*.json"))
            {
                ports.RewriteFile(configuration);
            }
            var scripts = blocks.Select(b => (b.Id, Script: ports.Rewrite(b.Script))).ToList();
            ports.HoldDocumented();
            string bin = Directory.CreateDirectory(Path.Combine(work, ".bin")).FullName;
            string wrapper = Path.Combine(bin, "intertrack");
            File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet \"{Path.Combine(AppContext.BaseDirectory, "intertrack.dll")}\" \"$@\"\n");
            File.SetUnixFileMode(wrapper,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            Git(work, "init", "--quiet");
            var before = Untracked(work);
            foreach (var (id, script) in scripts)
            {
                Run(id, script, work, bin);
            }
            var left = Untracked(work).Except(before).ToList();
            Assert.True(left.Count == 0, $"{page} leaves files that .gitignore does not ignore: {string.Join(", ", left.Take(20))}");
        }
        finally
        {
            if (lab)
            {
                LabNamespaces.Remove("itl"); // also when a block failed before its 'lab down'
            }
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The files <c>git status</c> lists as untracked in the copy, each on its own.</summary>
    private static HashSet<string> Untracked(string work) =>
        [.. Git(work, "status", "--porcelain", "--untracked-files=all").Split('\n',
        StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("?? ", StringComparison.Ordinal)).Select(l => l[3..])];

    private static string Git(string work, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var git = Process.Start(info)!;
        var error = git.StandardError.ReadToEndAsync();
        string output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {error.Result}");
        return output;
    }

    private static void Run(string id, string blockScript, string work, string bin)
    {
        // The alias and 'dotnet run' are how a newcomer reaches the command; here it is the built one on the PATH.
        // Each block starts where the page's reader stands: the top of the copy (a 'cd' lasts for its block only).
        string script = "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + string.Join('\n', blockScript.Split('\n')
            .Where(l => !l.TrimStart().StartsWith("alias intertrack=", StringComparison.Ordinal))
            .Select(l => l.Replace(DotnetRun, "intertrack", StringComparison.Ordinal)));
        var info = new ProcessStartInfo("bash") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-e", "-o", "pipefail", "-c", script })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool done = process.WaitForExit(TimeSpan.FromMinutes(10));
        if (!done)
        {
            process.Kill(entireProcessTree: true);
        }
        process.WaitForExit();
        string tail;
        lock (output)
        {
            tail = string.Join('\n', output.ToString().Split('\n').TakeLast(40));
        }
        Assert.True(done, $"{id} did not finish in 10 minutes:\n{tail}");
        Assert.True(process.ExitCode == 0, $"{id} failed (exit {process.ExitCode}):\n{tail}");
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var dir in Directory.GetDirectories(from))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
