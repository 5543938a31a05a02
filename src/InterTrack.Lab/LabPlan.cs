using System.Text.Json;

namespace InterTrack.Lab;

/// <summary>A router interface: a link to a neighbour AS, to the other router of the AS, or to the AS's host.</summary>
/// <param name="Name">The interface name; unique within the AS, so it names the digest tables (<c>NAME:in</c>).</param>
/// <param name="Address">Its address with prefix length.</param>
/// <param name="PeerAddress">The address at the other end.</param>
/// <param name="NeighborAs">The AS at the other end of an inter-AS link.</param>
/// <param name="Relation">What the neighbour is to us: customer, peer or provider.</param>
/// <param name="PeerRouter">The router at the other end of an internal link.</param>
public sealed record LabInterface(string Name, string Address, string PeerAddress, uint? NeighborAs = null, string? Relation = null,
    string? PeerRouter = null, bool ToHost = false);

/// <summary>A router: one network namespace running BIRD.</summary>
public sealed record LabRouter(string Name, string Namespace, string Loopback, IReadOnlyList<LabInterface> Interfaces);

/// <summary>An AS: its routers (the first runs the AS's daemons), its host, and its prefix.</summary>
/// <param name="System">The kind of traceback system it runs (<c>ITracebackKind.Name</c>), or <c>KindRegistry.None</c>: its ITM
/// runs with stub BTM and DTM that answer "cannot trace" (the seed's stub).</param>
public sealed record LabAs(uint Number, int Index, string System, IReadOnlyList<LabRouter> Routers, string HostNamespace, string HostAddress)
{
    public string Prefix => $"10.{Index}.0.0/16";

    /// <summary>The address the AS's ITM (and the victim's D Point) listen on: the first router's loopback.</summary>
    public string ItmAddress => Routers[0].Loopback;

    /// <summary>The router the host hangs off.</summary>
    public LabRouter HostRouter => Routers[^1];
}

/// <summary>The whole lab as <c>lab up</c> built it; written to <c>DIR/lab.json</c> for the later commands.</summary>
public sealed record LabPlan(string Id, string Directory, uint Victim, IReadOnlyList<LabAs> Ases, IReadOnlyList<uint> DefaultAttackers)
{
    /// <summary>Seconds from starting BIRD until every session was up and every router had a route to the victim.</summary>
    public double BgpConvergedSeconds { get; init; }

    public const string FileName = "lab.json";
    public const int ItmPort = 9001, BtmPort = 9002, DtmPort = 9003, DPointPort = 9005;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public LabAs this[uint asNumber] => Ases.FirstOrDefault(a => a.Number == asNumber)
        ?? throw new LabException($"AS{asNumber} is not in the lab (its ASes: {string.Join(", ", Ases.Select(a => a.Number))})");

    public LabAs VictimAs => this[Victim];

    public string AsDirectory(uint asNumber) => Path.Combine(Directory, $"as{asNumber}");

    public string PkiDirectory => Path.Combine(Directory, "pki");

    public string VictimCapture => Path.Combine(Directory, "victim.pcap");

    public IEnumerable<string> Namespaces => Ases.SelectMany(a => a.Routers.Select(r => r.Namespace).Append(a.HostNamespace));

    public void Save() => File.WriteAllText(Path.Combine(Directory, FileName), JsonSerializer.Serialize(this, Json));

    public static LabPlan Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new LabException($"{path}: no lab here; start one with 'intertrack lab up'");
        }
        try
        {
            return JsonSerializer.Deserialize<LabPlan>(File.ReadAllText(path), Json) ?? throw new LabException($"{path}: empty");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new LabException($"{path}: not a lab's file that can be read ({e.Message})", e);
        }
    }

    /// <summary>The lab saved in <paramref name="directory"/>; an id the user gave (<c>--lab</c>, null when not given) must be its id.</summary>
    public static LabPlan Load(string directory, string? givenId)
    {
        var plan = Load(directory);
        return givenId is null || givenId == plan.Id ? plan
            : throw new LabException($"--lab: '{givenId}' is not the lab in {directory}, which is '{plan.Id}'; leave --lab out, or give " +
            $"the --dir of lab '{givenId}'");
    }

    /// <summary>
    /// The lab a command acts on: the one saved in <paramref name="directory"/> (see <see cref="Load(string, string?)"/>),
    /// else the id given — a lab whose files are gone is still found by its id. A directory given without a lab in it and
    /// without an id is refused: falling back to the default id there would act on another lab.
    /// </summary>
    public static string IdOf(string directory, string? givenId, bool directoryGiven) =>
        File.Exists(Path.Combine(directory, FileName)) ? Load(directory, givenId).Id
        : givenId ?? (directoryGiven
            ? throw new LabException($"--dir: {directory} holds no lab ({FileName}); name the lab to act on with --lab ID")
            : LabOptions.DefaultId);
}

/// <summary>A lab step that cannot be done; the message says what and why.</summary>
public sealed class LabException(string message, Exception? inner = null) : Exception(message, inner);
