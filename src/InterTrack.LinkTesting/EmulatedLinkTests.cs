using InterTrack.Node.Kinds;
using InterTrack.Node.Managers;
using InterTrack.Node.Tracing;

namespace InterTrack.LinkTesting;

/// <summary>
/// Link testing in an emulated AS: its routers count the attack signature of every packet on the
/// links they watch — as its traceback system inside, every ingress link; as its border system,
/// the border links both ways — and the BTM and DTM read the counters live.
/// </summary>
internal sealed class EmulatedLinkTests(EmulatedDomain domain, TimeSpan window, bool ts, bool bts) : IEmulatedSystem
{
    private readonly LinkCounters _counters = new();

    public long StorageBytes => _counters.Bytes;

    public void Record(IReadOnlyList<EmulatedHop> hops, byte[] packet, long ns)
    {
        if (AttackSignature.Of(packet) is not { } signature)
        {
            return;
        }
        foreach (string link in EmulatedDomain.LinksCrossed(hops, ts, bts))
        {
            _counters.Count(link, signature, ns);
        }
    }

    public IBtmClient Btm(TimeSpan tolerance) =>
        new BorderBtm(domain.AsNumber, domain.BorderLinks(EmulatedDomain.BorderLinkName), new LinkTestEvidence(_counters, window), tolerance);

    public IDtmClient Dtm(TimeSpan tolerance) =>
        new FloodDtm(domain.AsNumber, domain.Routers(EmulatedDomain.IngressLink), new LinkTestEvidence(_counters, window), tolerance, domain.StartRouters());

    public void Dispose()
    {
        // counters in memory
    }

    /// <summary>Link testing in one scenario: the window.</summary>
    internal sealed class Model(TimeSpan window) : IEmulationModel
    {
        public bool Rewrites => false;
        public bool SpoiledByRewriting => false; // signatures are addresses and ports, which marks leave alone
        public string PacketsNeeded => "1";
        public string AttackMustLast => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"until traced (last {window.TotalSeconds:0.#} s)");

        public IEmulatedSystem ForAs(EmulatedDomain domain, bool ts, bool bts) => new EmulatedLinkTests(domain, window, ts, bts);

        public void Dispose()
        {
            // nothing outside the ASes
        }
    }
}
