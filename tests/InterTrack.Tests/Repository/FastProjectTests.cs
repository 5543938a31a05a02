using System.Text.RegularExpressions;

namespace InterTrack.Tests.Repository;

/// <summary>
/// This project holds the fast tests, which any user runs alone: none may start a program, need
/// root or drive a browser. Such a test belongs in tests/InterTrack.IntegrationTests.
/// </summary>
public sealed partial class FastProjectTests
{
    [Fact]
    public void No_fast_test_starts_a_program_needs_root_or_drives_a_browser()
    {
        string project = Path.Combine(RepositoryPaths.Root, "tests", "InterTrack.Tests");
        var found = Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj") && Path.GetFileName(f) != $"{nameof(FastProjectTests)}.cs")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Match: Integration().Match(line))))
            .Where(l => l.Match.Success)
            .Select(l => $"{Path.GetRelativePath(RepositoryPaths.Root, l.File)}:{l.Line}: {l.Match.Value}")
            .ToList();
        Assert.True(Directory.Exists(project), $"{project} not found");
        Assert.Empty(found);
    }

    // Starting a process, the lab's shell and namespaces, what needs root or a Debian package's program, the browser.
    [GeneratedRegex(@"\bProcess\.Start\b|\bProcessStartInfo\b|\bShell\.\w+|\bNetnsLab\b|\bRequires\.(?:Root|Programs)\b|\bPlaywright\b|\bLinkTestRouter\(")]
    private static partial Regex Integration();
}
