using InterTrack.Node.Kinds;
using InterTrack.Node.Managers;

namespace InterTrack.Emulation;

/// <summary>
/// One AS of the emulated data plane (<see cref="EmulatedDomain"/>: a border router per neighbour
/// AS the traffic uses, a core router, an access router for its hosts) and the systems it runs:
/// a border traceback system and a traceback system inside, each of a kind that models what its
/// routers record (<see cref="IEmulatedSystem"/>), or none. One system serves both roles when
/// they are of one kind.
/// </summary>
internal sealed class EmulatedAs : IDisposable
{
    private readonly Dictionary<string, IEmulatedSystem> _systems = new(StringComparer.Ordinal);

    /// <param name="bts">The kind of its border traceback system, or <see cref="KindRegistry.None"/>.</param>
    /// <param name="ts">The kind of its traceback system inside, or <see cref="KindRegistry.None"/>.</param>
    /// <param name="models">The scenario's model of each kind, by name.</param>
    public EmulatedAs(uint asNumber, string bts, string ts, IReadOnlyDictionary<string, IEmulationModel> models)
    {
        Domain = new EmulatedDomain(asNumber);
        (Bts, Ts) = (bts, ts);
        foreach (var kind in new[] { bts, ts }.Where(k => k != KindRegistry.None).Distinct())
        {
            _systems[kind] = models[kind].ForAs(Domain, ts: kind == ts, bts: kind == bts);
        }
    }

    public EmulatedDomain Domain { get; }
    public uint AsNumber => Domain.AsNumber;
    public string Bts { get; }
    public string Ts { get; }

    /// <summary>The system at its border; null when it runs none.</summary>
    public IEmulatedSystem? BtsSystem => _systems.GetValueOrDefault(Bts);

    /// <summary>The system inside; null when it runs none.</summary>
    public IEmulatedSystem? TsSystem => _systems.GetValueOrDefault(Ts);

    /// <summary>Packets that crossed this AS.</summary>
    public long Forwarded { get; private set; }

    /// <summary>Has its systems rewrite the packet as its routers forward it (marks); whether it changed.</summary>
    public bool Mark(IReadOnlyList<EmulatedHop> hops, byte[] packet)
    {
        bool changed = false;
        foreach (var system in _systems.Values)
        {
            changed |= system.Mark(hops, packet);
        }
        return changed;
    }

    /// <summary>A packet's way through the AS: the routers it crosses, each with where it came from and where it goes; its systems record it.</summary>
    public void Forward(IReadOnlyList<EmulatedHop> hops, byte[] packet, long ns)
    {
        Forwarded++;
        foreach (var system in _systems.Values)
        {
            system.Record(hops, packet, ns);
        }
    }

    // Per neighbour the spoofed packets came in from (0: its own hosts): the first and last seen, how many. The emulator's one destination.
    private readonly SortedDictionary<uint, (byte[] First, long FirstNs, byte[] Last, long LastNs, long Count)> _spoofed = [];

    /// <summary>
    /// Its border saw a spoofed packet come in from its hosts (<paramref name="from"/> null) or from a customer or peer, where the
    /// source may only be theirs: what it tells the destination's ITM (<see cref="SpoofNotices"/>).
    /// </summary>
    public void SawSpoofed(uint? from, byte[] packet, long ns)
    {
        uint key = from ?? 0;
        _spoofed[key] = _spoofed.TryGetValue(key, out var seen) ? seen with { Last = [.. packet], LastNs = ns, Count = seen.Count + 1 }
            : ([.. packet], ns, [.. packet], ns, 1);
    }

    /// <summary>The spoofing notices its ITM sends, one per neighbour the spoofed packets came in from.</summary>
    public IEnumerable<SpoofNotice> SpoofNotices => _spoofed.Select(s =>
        new SpoofNotice(AsNumber, s.Key == 0 ? null : s.Key, s.Value.First, s.Value.FirstNs, s.Value.Last, s.Value.LastNs, s.Value.Count));

    public async Task FlushAsync()
    {
        foreach (var system in _systems.Values)
        {
            await system.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Bytes the evidence of its system of <paramref name="kind"/> takes; 0 when it runs none.</summary>
    public long StorageBytes(string kind) => _systems.TryGetValue(kind, out var system) ? system.StorageBytes : 0;

    public void Dispose()
    {
        foreach (var system in _systems.Values)
        {
            system.Dispose();
        }
    }
}
