using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using InterTrack.Node.Kinds;

namespace InterTrack.Emulation;

/// <summary>
/// Which kind of traceback system how many ASes run: shares of the registered kinds
/// (<see cref="KindRegistry"/>) and of <see cref="KindRegistry.None"/> that add up to at most 1
/// (the rest runs nothing). Written in a scenario as one kind's name (every AS runs it), as a
/// number (that share runs the default kind, the rest nothing: the form of <c>deployment.bts</c>
/// before there were kinds), or as an object of shares by name: <c>{"KIND": 0.3, "OTHER": 0.5, "none": 0.2}</c>.
/// </summary>
[JsonConverter(typeof(KindMixConverter))]
internal sealed record KindMix(IReadOnlyDictionary<string, double> Shares)
{
    /// <summary>
    /// Stands for the registry's default kind (<see cref="KindRegistry.Default"/>) until the scenario
    /// is resolved against the kinds the program runs (<see cref="Resolve"/>): what a bare share,
    /// <c>true</c>, or a deployment left out mean. Not a name a scenario can write.
    /// </summary>
    public const string DefaultKind = "(default)";

    public static KindMix Only(string kind, double share = 1) => new(new Dictionary<string, double> { [kind] = share });

    public double Share(string kind) => Shares.TryGetValue(kind, out double s) ? s : 0;

    /// <summary>The share of ASes that run some system.</summary>
    public double Deployed => Shares.Where(s => s.Key != KindRegistry.None).Sum(s => s.Value);

    /// <summary>The same kinds in the same proportions, deployed in <paramref name="deployed"/> of ASes (the default kind when none was).</summary>
    public KindMix WithDeployed(double deployed) => Deployed == 0 ? Only(DefaultKind, deployed)
        : new(Shares.Where(s => s.Key != KindRegistry.None).ToDictionary(s => s.Key, s => s.Value / Deployed * deployed));

    /// <summary>The same deployed share, a fraction <paramref name="share"/> of it running <paramref name="kind"/> and the rest the default kind.</summary>
    public KindMix WithShareOf(string kind, double share) => new(new Dictionary<string, double> { [DefaultKind] = Deployed * (1 - share),
        [kind] = Deployed * share });

    /// <summary>
    /// The same shares under the names of <paramref name="kinds"/>: <see cref="DefaultKind"/> becomes the default's, in
    /// the order the kinds are registered, <see cref="KindRegistry.None"/> last and unknown names after it (for
    /// <see cref="Validate"/> to name).
    /// </summary>
    public KindMix Resolve(KindRegistry kinds)
    {
        var named = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (kind, share) in Shares)
        {
            string name = kind == DefaultKind ? kinds.Default.Name : kind;
            named[name] = named.GetValueOrDefault(name) + share;
        }
        var order = kinds.Emulated.Select(k => k.Name).Append(KindRegistry.None).ToList();
        return new(named.OrderBy(s => order.IndexOf(s.Key) is var i and >= 0 ? i : order.Count).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal));
    }

    /// <exception cref="FormatException">A kind that <paramref name="kinds"/> cannot emulate, a share outside 0–1, or
    /// shares adding up to more than 1.</exception>
    public void Validate(string field, KindRegistry kinds)
    {
        var names = kinds.Emulated.Select(k => k.Name).Append(KindRegistry.None).ToList();
        foreach (var (kind, share) in Shares)
        {
            if (!names.Contains(kind)) throw new FormatException($"{field}.{kind}: not a kind of system ({string.Join(", ", names)})");
            if (share is < 0 or > 1 or double.NaN) throw new FormatException($"{field}.{kind}: must be a share from 0 to 1");
        }
        if (Shares.Values.Sum() > 1 + 1e-9) throw new FormatException($"{field}: the shares add up to more than 1");
    }

    /// <summary>The shares above 0, in their order (after <see cref="Resolve"/>, the kinds').</summary>
    public override string ToString() => string.Join(", ", Shares.Where(s => s.Value > 0).Select(s => string.Create(CultureInfo.InvariantCulture,
        $"{s.Key} {s.Value:0.##}")));
}

internal sealed class KindMixConverter : JsonConverter<KindMix>
{
    public override KindMix Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return KindMix.Only(reader.GetString()!);
            case JsonTokenType.Number:
                return KindMix.Only(KindMix.DefaultKind, reader.GetDouble());
            case JsonTokenType.StartObject:
                var shares = new Dictionary<string, double>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    string kind = reader.GetString()!;
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Number)
                    {
                        throw new JsonException($"the share of '{kind}' must be a number");
                    }
                    shares[kind] = reader.GetDouble();
                }
                return new KindMix(shares);
            default:
                throw new JsonException("expected a kind's name, a share (0.5) or shares by kind ({\"NAME\": 0.3, \"none\": 0.2})");
        }
    }

    public override void Write(Utf8JsonWriter writer, KindMix value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (kind, share) in value.Shares)
        {
            writer.WriteNumber(kind, share);
        }
        writer.WriteEndObject();
    }
}

/// <summary>An override's kind: a name, or for <c>bts</c> also true (the default kind) and false (none), as before there were kinds.</summary>
internal sealed class KindNameConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => KindMix.DefaultKind,
        JsonTokenType.False => KindRegistry.None,
        JsonTokenType.String => reader.GetString()!,
        _ => throw new JsonException("expected a kind's name, \"none\", true or false"),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
