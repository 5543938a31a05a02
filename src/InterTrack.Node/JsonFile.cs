using System.Text.Json;
using System.Text.Json.Serialization;

namespace InterTrack;

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
}
