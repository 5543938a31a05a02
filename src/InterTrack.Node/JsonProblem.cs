using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace InterTrack.Node;

/// <summary>
/// Says what is wrong in a JSON file in the file's own terms: the field by its path as written
/// (<c>dp.maxFootmarks</c>), what it should hold and what it holds, or for an unknown field the
/// known one closest to it — instead of the .NET type names System.Text.Json speaks of.
/// </summary>
internal static partial class JsonProblem
{
    /// <param name="at">Where the JSON read lies in its file ("itm.skipOver"), for a part of a file read on its own.</param>
    public static string Describe(JsonException e, Type root, JsonSerializerOptions options, string json, string? at = null)
    {
        var segments = Segments(e.Path);
        string Where() => at is null ? Join(segments) : segments.Count == 0 ? at : $"{at}{(segments[0].IsIndex ? "" : ".")}{Join(segments)}";
        var unmapped = UnmappedProperty().Match(e.Message);
        if (unmapped.Success)
        {
            string name = unmapped.Groups[1].Value;
            if (segments.Count == 0 || segments[^1].Name != name)
            {
                segments.Add(new Segment(name, false));
            }
            var known = TypeAt(options.GetTypeInfo(root), segments[..^1], options)?.Properties.Select(p => p.Name).ToList() ?? [];
            // A slip of a few letters, or a name cut short ("heartbeat" for "heartbeatSeconds").
            string? closest = known.Where(k => Distance(k, name) <= Math.Max(2, name.Length / 3) || name.Length >= 3
                && k.StartsWith(name, StringComparison.OrdinalIgnoreCase))
                .OrderBy(k => Distance(k, name)).FirstOrDefault();
            return $"{Where()}: unknown field; " + (closest is not null ? $"did you mean '{closest}'?"
                : known.Count > 0 ? $"the fields here are: {string.Join(", ", known)}" : "remove it");
        }
        if (e.Message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal)
            && TypeAt(options.GetTypeInfo(root), segments, options) is { } expected)
        {
            string got = ValueAt(json, segments) is { } value ? $", got {value}" : "";
            return $"{Where()}: expected {Expected(expected.Type)}{got}";
        }
        string message = e.Message.Split(". Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ');
        string line = e.LineNumber is { } n ? $" (line {n + 1})" : "";
        return (segments.Count > 0 || at is not null ? $"{Where()}: " : "") + message + line;
    }

    /// <summary>The JSON type info of the value at <paramref name="segments"/>, or null when the path leads nowhere known.</summary>
    private static JsonTypeInfo? TypeAt(JsonTypeInfo info, IEnumerable<Segment> segments, JsonSerializerOptions options)
    {
        foreach (var segment in segments)
        {
            var next = info.Kind switch
            {
                JsonTypeInfoKind.Object => info.Properties.FirstOrDefault(p => p.Name == segment.Name)?.PropertyType,
                JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary => info.ElementType,
                _ => null,
            };
            if (next is null)
            {
                return null;
            }
            info = options.GetTypeInfo(next);
        }
        return info;
    }

    private static string Expected(Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        return Type.GetTypeCode(inner) switch
        {
            // The range too: a number too large for the field is no whole number to System.Text.Json either.
            TypeCode.Byte => "a whole number (0 to 255)",
            TypeCode.UInt16 => "a whole number (0 to 65535)",
            TypeCode.UInt32 => "a whole number (0 to 4294967295)",
            TypeCode.UInt64 => "a whole number (0 or more)",
            TypeCode.Int32 => "a whole number (at most 2147483647)",
            TypeCode.SByte or TypeCode.Int16 or TypeCode.Int64 => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.Boolean => "true or false",
            TypeCode.String => "a string",
            _ when inner.IsAssignableTo(typeof(System.Collections.IDictionary)) => "an object { \"key\": value, ... }",
            _ when inner.IsAssignableTo(typeof(System.Collections.IEnumerable)) => "a list [ ... ]",
            _ => "an object { ... }",
        };
    }

    /// <summary>What the file holds at the path, as a user would name it: a string "1000", the number 5, a list.</summary>
    private static string? ValueAt(string json, List<Segment> segments)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var element = document.RootElement;
            foreach (var segment in segments)
            {
                if (element.ValueKind == JsonValueKind.Array && segment.IsIndex && int.TryParse(segment.Name, out int index)
                    && index < element.GetArrayLength())
                {
                    element = element[index];
                }
                else if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment.Name, out element))
                {
                    return null;
                }
            }
            return Value(element);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A JSON value as a user would name it: a string "1000", the number 5, an object, a list, null, true.</summary>
    public static string Value(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"a string {JsonSerializer.Serialize(element.GetString())}",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        _ => element.GetRawText(),
    };

    /// <summary>The names and indices of a System.Text.Json path: <c>$.dtm.routers[0]['odd name']</c> → dtm, routers, 0, odd name.</summary>
    private static List<Segment> Segments(string? path) =>
        path is null ? [] : [.. PathSegment().Matches(path).Select(m =>
            m.Groups[3].Success ? new Segment(m.Groups[3].Value, true)
            : new Segment(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value.Replace("''", "'", StringComparison.Ordinal), false))];

    /// <summary>A path as written in the file: dtm.routers[0].name.</summary>
    private static string Join(List<Segment> segments) =>
        string.Concat(segments.Select((s, i) => s.IsIndex ? $"[{s.Name}]" : i == 0 ? s.Name : "." + s.Name));

    private readonly record struct Segment(string Name, bool IsIndex);

    private static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    [GeneratedRegex(@"^The JSON property '(.*?)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex(@"\.([^.\[]+)|\['((?:[^']|'')*)'\]|\[(\d+)\]")]
    private static partial Regex PathSegment();
}
