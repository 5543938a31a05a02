namespace InterTrack.Testing;

/// <summary>
/// What some tests need from the machine. Without it they skip and say why; CI has all of it,
/// and scripts/test.sh fails a CI run in which any test skipped.
/// </summary>
internal static class Requires
{
    /// <summary>The published InterTrack schema, in ../shared beside the repository.</summary>
    public static void ReferenceSchema() =>
        Skip.IfNot(File.Exists(RepositoryPaths.ReferenceSchema),
        $"the published schema is not at {RepositoryPaths.ReferenceSchema} (../shared beside the clone)");

    /// <summary>Root and iproute2: network namespaces and raw capture.</summary>
    public static void Root() =>
        Skip.IfNot(Environment.UserName == "root" && new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.Any(File.Exists),
            "needs root and iproute2 (network namespaces); run scripts/test.sh as root");

    /// <summary>Programs from Debian's packages (scripts/test.sh installs them).</summary>
    public static void Programs(params string[] programs) =>
        Skip.IfNot(programs.All(InterTrack.Lab.Shell.Has),
        $"needs {string.Join(", ", programs.Where(p => !InterTrack.Lab.Shell.Has(p)))} (scripts/test.sh installs them)");
}
