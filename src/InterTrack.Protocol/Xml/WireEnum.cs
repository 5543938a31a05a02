using System.Collections.Frozen;
using System.Reflection;
using System.Runtime.Serialization;

namespace InterTrack.Protocol.Xml;

/// <summary>Maps a schema enumeration to its wire text: the [EnumMember] value, else the member name.</summary>
internal static class WireEnum<T> where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> ToText;
    private static readonly FrozenDictionary<string, T> FromText;

    static WireEnum()
    {
        var pairs = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => ((T)f.GetValue(null)!, f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name))
            .ToList();
        ToText = pairs.ToFrozenDictionary(p => p.Item1, p => p.Item2);
        FromText = pairs.ToFrozenDictionary(p => p.Item2, p => p.Item1, StringComparer.Ordinal);
    }

    public static string Text(T value) =>
        ToText.TryGetValue(value, out var text) ? text : throw new ArgumentOutOfRangeException(nameof(value), value, null);

    public static T Parse(string text) =>
        FromText.TryGetValue(text, out var value)
            ? value
            : throw new ProtocolException($"'{text}' is not a valid {typeof(T).Name}");
}
