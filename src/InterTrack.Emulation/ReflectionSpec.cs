using System.Text.Json;
using System.Text.Json.Serialization;
using InterTrack.Node.Topology;
using InterTrack.Packets.Reflection;

namespace InterTrack.Emulation;

/// <summary>
/// A scenario's <c>reflection</c>: the attackers send forged requests (source: the victim's address) of one or several
/// protocols to reflectors, one host in each reflector AS, which answer the victim (docs/reflection.md).
/// </summary>
internal sealed record ReflectionSpec
{
    /// <summary>"dns", or a list such as ["dns", "memcached"]: each attacker's requests take turns among them.</summary>
    public JsonElement Protocol { get; init; }

    /// <summary>How many reflector ASes, chosen with the seed among the ASes that neither are the victim nor attack.</summary>
    public int? Reflectors { get; init; }

    /// <summary>Instead of a count: the reflector ASes.</summary>
    [JsonPropertyName("ases")] public List<uint>? Ases { get; init; }

    /// <summary>The protocols named, in order.</summary>
    /// <exception cref="FormatException">The field is missing, not a name or a list of names, or names a protocol the emulator does not build.</exception>
    public IReadOnlyList<ReflectionProtocol> Protocols()
    {
        string known = string.Join(", ", ReflectionMessages.Built);
        var names = Protocol.ValueKind switch
        {
            JsonValueKind.String => [Protocol.GetString()!],
            JsonValueKind.Array when Protocol.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) && Protocol.GetArrayLength() > 0 =>
                Protocol.EnumerateArray().Select(e => e.GetString()!).ToList(),
            _ => throw new FormatException($"reflection.protocol: give one of {known}, or a list of them"),
        };
        return [.. names.Select(n => ReflectionProtocol.Find(n) is { } p && ReflectionMessages.Built.Contains(p) ? p
            : throw new FormatException($"reflection.protocol: \"{n}\" is not one the emulator builds ({known})")).Distinct()];
    }

    /// <exception cref="FormatException">A field is wrong; the message names it.</exception>
    internal void Validate()
    {
        Protocols();
        if ((Reflectors is null) == (Ases is null))
        {
            throw new FormatException("reflection: give either \"reflectors\" (a count) or \"ases\" (a list of AS numbers)");
        }
        if (Reflectors is <= 0)
        {
            throw new FormatException("reflection.reflectors: must be positive");
        }
        if (Ases is { Count: 0 })
        {
            throw new FormatException("reflection.ases: name at least one AS");
        }
    }

    /// <summary>The reflector ASes: those named, or <see cref="Reflectors"/> picked with <paramref name="random"/>.</summary>
    /// <exception cref="FormatException">A named AS is not in the topology, is the victim or an attacker; or the count is more than there are.</exception>
    internal IReadOnlyList<uint> Pick(AsGraph graph, uint victim, IReadOnlyCollection<uint> attackers, Random random)
    {
        var others = graph.Ases.Where(a => a != victim && !attackers.Contains(a)).ToList();
        if (Ases is { } named)
        {
            foreach (uint a in named)
            {
                string? wrong = !graph.Contains(a) ? "is not in the topology" : a == victim ? "is the victim" : attackers.Contains(a) ? "is an attacker" : null;
                if (wrong is not null)
                {
                    throw new FormatException($"reflection.ases: AS{a} {wrong}: a reflector is a third AS");
                }
            }
            return [.. named.Distinct()];
        }
        if (Reflectors > others.Count)
        {
            throw new FormatException($"reflection.reflectors: {Reflectors} is more than the {others.Count} ASes that neither are the victim nor attack");
        }
        return [.. others.OrderBy(_ => random.Next()).Take(Reflectors!.Value).Order()];
    }
}
