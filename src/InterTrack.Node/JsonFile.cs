using System.Text.Json;
using System.Text.Json.Serialization;

namespace InterTrack.Node;

/// <summary>
/// The project's JSON files (node configurations, scenarios): camelCase, comments and trailing
/// commas allowed, unknown fields refused — a typo is an error, not a silently ignored setting.
/// </summary>
public static class JsonFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <exception cref="FormatException">The file is missing, empty or not of the expected shape; the message names the file and field.</exception>
    public static T Load<T>(string path) where T : class
    {
        if (Directory.Exists(path))
        {
            throw new FormatException($"{path}: is a directory, not a file");
        }
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new FormatException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: {JsonProblem.Describe(e, typeof(T), Options, json)}", e);
        }
    }

    /// <summary>Binds a part of a file that the file's reader hands on (a kind's section of a node configuration) as <see cref="Load"/> binds a file.</summary>
    /// <param name="field">Where the part is in its file ("capture"), to name its fields.</param>
    /// <exception cref="FormatException">Not of the expected shape; the message names the field ("capture.hash: …").</exception>
    public static T Bind<T>(JsonElement json, string field)
    {
        try
        {
            return json.Deserialize<T>(Options) ?? throw new FormatException($"{field}: must not be null");
        }
        catch (JsonException e)
        {
            throw new FormatException(JsonProblem.Describe(e, typeof(T), Options, json.GetRawText(), field), e);
        }
    }

    /// <summary>The fields a file of <typeparamref name="T"/> has, as written, in order.</summary>
    public static IReadOnlyList<string> Fields<T>() => [.. Options.GetTypeInfo(typeof(T)).Properties.Where(p => !p.IsExtensionData).Select(p => p.Name)];
}
