namespace InterTrack.Testing;

/// <summary>Where the repository and the shared reference material (../shared beside it) are.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string ReferenceSchema => Path.GetFullPath(Path.Combine(Root, "..", "shared", "reference", "InterTrackMessage.xsd"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InterTrack.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (InterTrack.slnx) not found above " + AppContext.BaseDirectory);
    }
}
