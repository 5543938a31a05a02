namespace InterTrack.Cli;

/// <summary>Output files a command writes after long work: checked (created, empty) before the work starts.</summary>
internal static class OutputFile
{
    /// <exception cref="CommandException">The file cannot be written (missing directory, a directory in its place, no permission).</exception>
    public static void CheckWritable(FileInfo? file, string option)
    {
        if (file is null)
        {
            return;
        }
        if (Directory.Exists(file.FullName))
        {
            throw new CommandException($"{option}: {file.FullName} is a directory, not a file");
        }
        try
        {
            using (File.Open(file.FullName, FileMode.Append, FileAccess.Write)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"{option}: cannot write {file.FullName}: {e.Message}", e);
        }
    }
}
