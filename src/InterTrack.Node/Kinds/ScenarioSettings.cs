using System.Globalization;
using System.Text.Json;

namespace InterTrack.Node.Kinds;

/// <summary>
/// The settings of a scenario's <c>deployment</c> that belong to kinds of system (flow records'
/// <c>flowSampling</c>, marking's <c>marking</c>, …), and the same per AS in its override. Each
/// kind claims the settings it reads; the scenario refuses the ones no kind claimed, as it
/// refuses any field it does not know.
/// </summary>
/// <param name="overrides">Per AS number (validated), its override's settings.</param>
public sealed class ScenarioSettings(IReadOnlyDictionary<string, JsonElement> deployment,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> overrides)
{
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);

    /// <summary><c>deployment.NAME</c>, or <paramref name="fallback"/> when the scenario leaves it out.</summary>
    /// <exception cref="FormatException">Not a <typeparamref name="T"/>; the message names the field.</exception>
    public T Get<T>(string name, T fallback)
    {
        _claimed.Add(name);
        return deployment.TryGetValue(name, out var json) ? JsonFile.Bind<T>(json, $"deployment.{name}") : fallback;
    }

    /// <summary>Per AS whose override sets <c>NAME</c>, its value.</summary>
    /// <exception cref="FormatException">Not a <typeparamref name="T"/>; the message names the field.</exception>
    public IReadOnlyDictionary<uint, T> PerAs<T>(string name)
    {
        _claimed.Add(name);
        return overrides.Where(o => o.Value.ContainsKey(name))
            .ToDictionary(o => uint.Parse(o.Key, CultureInfo.InvariantCulture), o => JsonFile.Bind<T>(o.Value[name], $"deployment.overrides.{o.Key}.{name}"));
    }

    /// <summary>The settings no kind claimed, as fields ("deployment.flowSamplin").</summary>
    public IEnumerable<string> Unclaimed() =>
        deployment.Keys.Where(k => !_claimed.Contains(k)).Select(k => $"deployment.{k}")
            .Concat(overrides.SelectMany(o => o.Value.Keys.Where(k => !_claimed.Contains(k)).Select(k => $"deployment.overrides.{o.Key}.{k}")));

    /// <summary>The settings claimed so far, to name them in an error.</summary>
    public IEnumerable<string> Claimed => _claimed.Order(StringComparer.Ordinal);
}
