using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InterTrack.Emulation;

/// <summary>
/// Which kind of traceback system how many ASes run: shares of "digest", "flow", "linktest", "marking" and "none" that
/// add up to at most 1 (the rest runs nothing). Written in a scenario as one name ("digest": every
/// AS), as a number (that share runs digests, the rest nothing: the form of <c>deployment.bts</c>
/// before there were kinds), or as an object <c>{"digest": 0.3, "flow": 0.5, "none": 0.2}</c>.
/// </summary>
[JsonConverter(typeof(KindMixConverter))]
public sealed record KindMix(IReadOnlyDictionary<string, double> Shares)
{
    public static IReadOnlyList<string> Kinds { get; } = ["digest", "flow", "linktest", "marking", "none"];

    /// <summary>The kinds that are a traceback system (all but "none").</summary>
    public static IReadOnlyList<string> Systems { get; } = ["digest", "flow", "linktest", "marking"];

    public static KindMix Only(string kind, double share = 1) => new(new Dictionary<string, double> { [kind] = share });

    public double Share(string kind) => Shares.TryGetValue(kind, out double s) ? s : 0;

    /// <summary>The share of ASes that run some system.</summary>
    public double Deployed => Systems.Sum(Share);

    /// <summary>The same kinds in the same proportions, deployed in <paramref name="deployed"/> of ASes (digests when none was).</summary>
    public KindMix WithDeployed(double deployed) => Deployed == 0 ? Only("digest", deployed)
        : new(Systems.ToDictionary(k => k, k => Share(k) / Deployed * deployed));

    /// <summary>The same deployed share, a fraction <paramref name="flow"/> of it running flows and the rest digests.</summary>
    public KindMix WithFlowFraction(double flow) => new(new Dictionary<string, double> { ["digest"] = Deployed * (1 - flow), ["flow"] = Deployed * flow });

    /// <exception cref="FormatException">A kind that is none of <see cref="Kinds"/>, a share outside 0–1, or shares adding up to more than 1.</exception>
    public void Validate(string field)
    {
        foreach (var (kind, share) in Shares)
        {
            if (!Kinds.Contains(kind)) throw new FormatException($"{field}.{kind}: not a kind of system ({string.Join(", ", Kinds)})");
            if (share is < 0 or > 1 or double.NaN) throw new FormatException($"{field}.{kind}: must be a share from 0 to 1");
        }
        if (Shares.Values.Sum() > 1 + 1e-9) throw new FormatException($"{field}: the shares add up to more than 1");
    }

    public override string ToString() => string.Join(", ", Kinds.Where(k => Share(k) > 0).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k} {Share(k):0.##}")));
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
                return KindMix.Only("digest", reader.GetDouble());
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
                throw new JsonException("expected a kind (\"digest\"), a share (0.5) or shares ({\"digest\": 0.3, \"flow\": 0.5})");
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

/// <summary>An override's kind: a name, or for <c>bts</c> also true (digest) and false (none), as before there were kinds.</summary>
internal sealed class KindNameConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => "digest",
        JsonTokenType.False => "none",
        JsonTokenType.String => reader.GetString()!,
        _ => throw new JsonException("expected \"digest\", \"flow\", \"none\", true or false"),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
