using InterTrack.Node.Kinds;
using InterTrack.Node.Topology;
namespace InterTrack.Emulation;

/// <summary>
/// The emulated Internet after the attack: topology, victim, truth, every crossed AS with the
/// evidence its systems kept, what the victim received and the sample it traces. Owns the ASes'
/// evidence and the scenario's model of each kind (which may keep it in temporary files).
/// </summary>
/// <param name="models">The scenario's model of each kind, in the order the kinds are registered.</param>
internal sealed class AttackedInternet(AsGraph graph, uint victim, (bool Ask, int Bound, bool Notices) skipOver, IReadOnlyList<uint> truth,
    Dictionary<uint, EmulatedAs> ases,
    List<(byte[] Packet, long Ns)> received, List<(byte[] Packet, long Ns)> sample, IReadOnlyList<uint> reachable, Func<uint, bool> deployed,
    OrderedDictionary<string, IEmulationModel> models) : IDisposable
{
    public AsGraph Graph => graph;
    public uint Victim => victim;

    /// <summary>Whether ITMs skip over ASes that run nothing (else they only name the candidates behind them).</summary>
    public bool SkipOver => skipOver.Ask;

    /// <summary>At most this many deployed ASes asked behind one AS that runs nothing.</summary>
    public int SkipOverBound => skipOver.Bound;

    /// <summary>Whether the deployed ASes send spoofing notices (and so skip-over passes over those that sent none).</summary>
    public bool SpoofNotices => skipOver.Notices;
    public IReadOnlyList<uint> Truth => truth;
    public Dictionary<uint, EmulatedAs> Ases => ases;
    public List<(byte[] Packet, long Ns)> Received => received;
    public List<(byte[] Packet, long Ns)> Sample => sample;
    public OrderedDictionary<string, IEmulationModel> Models => models;

    /// <summary>The reflector ASes of a reflection attack (none otherwise).</summary>
    public IReadOnlyList<uint> Reflectors { get; init; } = [];

    /// <summary>Bytes of the reflectors' answers ÷ bytes of the forged requests (IP packets); 0 without reflection.</summary>
    public double Amplification { get; init; }

    /// <summary>Attackers whose whole AS path runs some system (BTS or TS) in every AS: the ones a trace without skip-over can reach.</summary>
    public IReadOnlyList<uint> Reachable => reachable;

    /// <summary>Whether an AS runs some system (BTS or TS): it runs an ITM, and the skip-over directory lists it.</summary>
    public bool Deployed(uint asNumber) => deployed(asNumber);

    /// <summary>The ASes that run an ITM over TLS: the deployed ones the traffic crossed, and the victim's.</summary>
    public IReadOnlyList<uint> Running => [.. ases.Keys.Where(deployed).Append(victim).Distinct()];

    public void Dispose()
    {
        foreach (var e in ases.Values)
        {
            e.Dispose();
        }
        foreach (var model in models.Values)
        {
            model.Dispose();
        }
    }
}
