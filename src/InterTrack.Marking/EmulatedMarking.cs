using System.Buffers.Binary;
using System.Globalization;
using InterTrack.Node.Kinds;
using InterTrack.Node.Managers;

namespace InterTrack.Marking;

/// <summary>
/// Marking in an emulated AS: DPM at the ingress edge router (where a packet entered from hosts
/// or a neighbour AS, that interface writes one half of its address into the identification
/// field), or PPM at every router (edge sampling, <paramref name="edgeSampling"/>). One system
/// serves as the AS's BTM and DTM: marks name where packets entered, not a path through the
/// routers. An interface's or router's address is a hash, distinct per AS and link: the
/// emulation has no address plan.
/// </summary>
internal sealed class EmulatedMarking(EmulatedDomain domain, EdgeSampling? edgeSampling) : IEmulatedSystem
{
    private readonly Random _marks = new((int)domain.AsNumber);
    private IMarkingSystem? _system;

    public long StorageBytes => 0; // the marks travel in the packets

    public bool Mark(IReadOnlyList<EmulatedHop> hops, byte[] packet)
    {
        if (packet[0] >> 4 != 4)
        {
            return false;
        }
        if (edgeSampling is null)
        {
            DpmIngress.Mark(packet, Address(EmulatedDomain.IngressLink(hops[0].Router, hops[0].From)), _marks);
            return true;
        }
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4));
        foreach (var hop in hops)
        {
            id = edgeSampling.Mark(id, Address($"router:{hop.Router}"), _marks);
        }
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        return true;
    }

    public void Record(IReadOnlyList<EmulatedHop> hops, byte[] packet, long ns)
    {
        // nothing is kept: the marks travel in the packets
    }

    public IBtmClient Btm(TimeSpan tolerance) => Answers;

    public IDtmClient Dtm(TimeSpan tolerance) => Answers;

    public IBtmClient? BaselineBtm(TimeSpan tolerance) => Answers;

    /// <summary>DPM reads the AS's ingress interfaces in the marks, PPM its routers; built once the traffic has named the neighbours.</summary>
    private IMarkingSystem Answers => _system ??= edgeSampling is null
        ? new DpmSystem(domain.AsNumber, DpmInterfaces())
        : new PpmSystem(domain.AsNumber, [.. domain.Routers(EmulatedDomain.IngressLink).Select(r => new PpmRouter(r.Name, Address($"router:{r.Name}"),
        [.. r.Ingress.Select(i => i.From)]))]);

    /// <summary>The edge ingress interfaces a DPM domain marks at: the access router's from hosts, each border router's from its neighbour AS.</summary>
    private List<DpmInterface> DpmInterfaces()
    {
        DpmInterface Face(string router, string from) => new(router, EmulatedDomain.IngressLink(router, from), from,
            Address(EmulatedDomain.IngressLink(router, from)));
        return [Face(EmulatedDomain.Access, EmulatedDomain.Hosts), .. domain.Neighbors.Select(n => Face(EmulatedDomain.Border(n), $"as:{n}"))];
    }

    private uint Address(string link) => System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes($"{domain.AsNumber}/{link}"));

    public void Dispose()
    {
        // nothing kept
    }

    /// <summary>Marking in one scenario: the scheme.</summary>
    /// <param name="edgeSampling">PPM's; null: DPM.</param>
    internal sealed class Model(EdgeSampling? edgeSampling) : IEmulationModel
    {
        public bool Rewrites => true;

        // DPM overwrites every mark at each marking AS's ingress; edge sampling leaves earlier marks in the packets it does not re-mark.
        public bool SpoiledByRewriting => edgeSampling is null;

        public string PacketsNeeded => edgeSampling is null ? "3 (mean)"
            : string.Create(CultureInfo.InvariantCulture, $"{Marking.PacketsNeeded.FragmentBound(6, edgeSampling.Probability):N0} (6 routers)");

        public string AttackMustLast => "no";

        public IEmulatedSystem ForAs(EmulatedDomain domain, bool ts, bool bts) => new EmulatedMarking(domain, edgeSampling);

        public void Dispose()
        {
            // nothing outside the ASes
        }
    }
}
