namespace InterTrack.Node.Pki;

/// <summary>
/// A file as the user named it, by a command-line option (<c>--cert FILE</c>) or a configuration
/// field (<c>ca: FILE</c>): messages about it start with <see cref="Label"/>, so they say where to fix it.
/// </summary>
public readonly record struct NamedFile(string Label, string Path)
{
    public static NamedFile Option(string option, string path) => new($"{option} {path}", path);

    public static NamedFile Field(string field, string path) => new($"{field}: {path}", path);

    public override string ToString() => Label;
}
