namespace InterTrack.Digest;

/// <summary>The digest pages kept in a directory (the output of <c>intertrack digest</c> and <c>capture</c>).</summary>
public static class DigestArchive
{
    /// <summary>Whether the directory holds any page file (whatever else it holds).</summary>
    public static bool HasPages(string directory) => Directory.EnumerateFiles(directory, "*" + DigestPageFile.Extension).Any();

    /// <summary>Loads every page file of the directory.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="InvalidDataException">A page file is damaged (the message names it).</exception>
    public static List<DigestPage> Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"no digest directory {directory}");
        }
        var pages = new List<DigestPage>();
        try
        {
            foreach (var path in Directory.EnumerateFiles(directory, "*" + DigestPageFile.Extension).Order(StringComparer.Ordinal))
            {
                pages.Add(DigestPageFile.Load(path));
            }
        }
        catch
        {
            pages.ForEach(p => p.Dispose());
            throw;
        }
        return pages;
    }
}
