using InterTrack.Node.Kinds;
using InterTrack.Node.Managers;
using InterTrack.Node.Tracing;
using InterTrack.Packets.Reflection;

namespace InterTrack.Digest;

/// <summary>
/// Packet digests in an emulated AS: as its traceback system inside, every router digests its
/// ingress links; as its border system, the border links both ways (tables of their own). Beside the digests, the links
/// keep the keys of the reflection requests they carried (<see cref="ReflectionRequests"/>), so that an amplifier's border can
/// tie its answers to the requests and ASes upstream can follow them.
/// </summary>
internal sealed class EmulatedDigests(EmulatedDomain domain, DigestScheme scheme, bool ts, bool bts) : IEmulatedSystem
{
    // Small pages: a link of the emulation sees thousands of packets, and there are thousands of links.
    private readonly TableSet _digests = new(new DigestOptions { PageCapacity = 8_192, BitsPerPacket = 16, Hashes = 4, MemoryBudgetBytes = 1 << 20,
        Scheme = scheme });

    private readonly ReflectionRequests _requests = new();

    public long StorageBytes => _digests.Bytes + _requests.Bytes;

    public void Record(IReadOnlyList<EmulatedHop> hops, byte[] packet, long ns)
    {
        var key = DigestKeys.OfPacket(packet).For(scheme);
        byte[]? request = ReflectionKey.OfRequest(packet)?.Hash();
        foreach (string link in EmulatedDomain.LinksCrossed(hops, ts, bts))
        {
            _digests.Add(link, key, ns);
            if (request is not null)
            {
                _requests.Add(link, request, ns);
            }
        }
    }

    public Task FlushAsync()
    {
        _digests.Flush();
        return Task.CompletedTask;
    }

    public IBtmClient Btm(TimeSpan tolerance) =>
        new BorderBtm(domain.AsNumber, domain.BorderLinks(EmulatedDomain.BorderLinkName), new DigestEvidence(_digests, _requests), tolerance);

    public IDtmClient Dtm(TimeSpan tolerance) =>
        new FloodDtm(domain.AsNumber, domain.Routers(EmulatedDomain.IngressLink), new DigestEvidence(_digests, _requests), tolerance, domain.StartRouters());

    public void Dispose() => _digests.Dispose();

    /// <summary>Digests in one scenario: what each AS's tables are keyed by.</summary>
    internal sealed class Model(DigestScheme scheme, IReadOnlyDictionary<uint, DigestScheme> schemes) : IEmulationModel
    {
        public bool Rewrites => false;
        public bool SpoiledByRewriting => true; // the identification field is part of the digest
        public string PacketsNeeded => "1";
        public string AttackMustLast => "no";

        public IEmulatedSystem ForAs(EmulatedDomain domain, bool ts, bool bts) => new EmulatedDigests(domain,
            schemes.GetValueOrDefault(domain.AsNumber, scheme), ts, bts);

        public void Dispose()
        {
            // the ASes' tables are theirs
        }
    }
}
