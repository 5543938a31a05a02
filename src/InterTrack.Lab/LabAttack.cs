using System.Text.Json;

namespace InterTrack.Lab;

/// <summary>What <c>lab attack</c> did: written to <c>DIR/attack.json</c> as the truth a trace is scored against.</summary>
/// <param name="BgpPaths">Per attacker AS, the AS path BGP chose from it to the victim, as BIRD reports it.</param>
public sealed record LabAttack(IReadOnlyList<uint> From, int Sent, int CapturedAtVictim, DateTimeOffset Start, DateTimeOffset End,
    IReadOnlyDictionary<uint, string?> BgpPaths)
{
    public const string FileName = "attack.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public void Save(string directory) => File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json));

    public static LabAttack Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<LabAttack>(File.ReadAllText(path), Json)!
            : throw new LabException($"{path}: no attack yet; run 'intertrack lab attack' first");
    }
}

/// <summary>A trace of the victim's capture through the lab's D Point, scored against the attack.</summary>
/// <param name="Result">The JSON of <c>intertrack trace --json</c>.</param>
/// <param name="Tree">The attack tree as <c>intertrack trace</c> prints it.</param>
public sealed record LabTrace(JsonElement Result, string Tree, IReadOnlyList<uint> OriginAses, double Recall, double Precision)
{
    /// <summary>The traced AS paths, victim first.</summary>
    public IReadOnlyList<IReadOnlyList<uint>> AsPaths =>
        [.. Result.GetProperty("asPaths").EnumerateArray().Select(p => (IReadOnlyList<uint>)[.. p.EnumerateArray().Select(a => a.GetUInt32())])];

    /// <summary>The ASes the trace could not pass (Unknown or Busy): its frontier.</summary>
    public IReadOnlyList<uint> UnresolvedAses =>
        [.. Result.GetProperty("ases").EnumerateArray().Where(a => a.GetProperty("status").GetString() is "Unknown"
        or "Busy").Select(a => a.GetProperty("as").GetUInt32())];
}
