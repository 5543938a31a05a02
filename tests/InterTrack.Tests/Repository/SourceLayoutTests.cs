using System.Text.RegularExpressions;

namespace InterTrack.Tests.Repository;

/// <summary>The house rules the compiler does not check: namespaces are folders, lines fit .editorconfig's max_line_length.</summary>
public partial class SourceLayoutTests
{
    private static IEnumerable<string> Sources() =>
        new[] { "src", "tests", "bench" }
            .Select(d => Path.Combine(RepositoryPaths.Root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"));

    [Fact]
    public void Every_source_file_declares_its_project_and_folder_as_its_namespace()
    {
        var wrong = new List<string>();
        foreach (string file in Sources())
        {
            // src/InterTrack.Node/Managers/Itm.cs → InterTrack.Node.Managers
            var parts = Path.GetRelativePath(RepositoryPaths.Root, file).Split(Path.DirectorySeparatorChar);
            string expected = string.Join('.', parts[1..^1]);
            string? declared = Namespace().Match(File.ReadAllText(file)) is { Success: true } m ? m.Groups[1].Value : null;
            if (declared is not null && declared != expected)
            {
                wrong.Add($"{string.Join('/', parts)}: namespace {declared}, expected {expected}");
            }
        }
        Assert.True(Sources().Count() > 100, "the sources were not found");
        // Every project is checked, the test projects and their shared helpers (tests/InterTrack.Testing) too; a
        // folder left holding only bin/ and obj/ is none.
        var projects = new[] { "src", "tests", "bench" }.SelectMany(d => Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, d)))
            .Where(d => Directory.EnumerateFiles(d).Any());
        Assert.All(projects, p => Assert.Contains(Sources(), f => f.StartsWith(p + Path.DirectorySeparatorChar, StringComparison.Ordinal)));
        Assert.Empty(wrong);
    }

    [Fact]
    public void No_source_line_is_longer_than_the_editorconfig_allows()
    {
        string editorConfig = File.ReadAllText(Path.Combine(RepositoryPaths.Root, ".editorconfig"));
        int max = int.Parse(MaxLineLength().Match(editorConfig).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var tooLong = Sources()
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, line.Length)))
            .Where(l => l.Length > max)
            .Select(l => $"{Path.GetRelativePath(RepositoryPaths.Root, l.File)}:{l.Line}: {l.Length} characters")
            .ToList();
        Assert.Empty(tooLong);
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^\[\*\.cs\][^\[]*?^max_line_length\s*=\s*(\d+)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex MaxLineLength();
}
