using System.Xml.Linq;

namespace InterTrack.Tests.Repository;

/// <summary>
/// The projects' references run one way (ARCHITECTURE: protocol ← node ← one project per kind ←
/// emulation, lab ← CLI): what a program is made of is composed in the CLI, and the kinds reach
/// the node host, the emulator and the lab only through their descriptors.
/// </summary>
public sealed class ProjectGraphTests
{
    private static readonly string[] Kinds = ["InterTrack.Digest", "InterTrack.Flow", "InterTrack.LinkTesting", "InterTrack.Marking"];

    private static HashSet<string> References(string project) =>
        [.. XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", project, $"{project}.csproj")).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))];

    [Fact]
    public void The_lab_and_the_emulator_know_no_kind_and_wire_no_program()
    {
        Assert.Empty(References("InterTrack.Lab").Intersect([.. Kinds, "InterTrack.Emulation", "InterTrack.Rid", "InterTrack.OperatorView"]));
        Assert.Empty(References("InterTrack.Emulation").Intersect([.. Kinds, "InterTrack.Rid", "InterTrack.OperatorView"]));
        Assert.All(Kinds, kind => Assert.Empty(References(kind).Intersect(["InterTrack.Emulation", "InterTrack.Lab", .. Kinds])));
        Assert.All(Kinds, kind => Assert.Contains(kind, References("InterTrack.Cli"))); // registered in one place: the program
    }
}
