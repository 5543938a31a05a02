using InterTrack.Border;
using InterTrack.Digest;
using InterTrack.Managers;
using InterTrack.Protocol.Model;

namespace InterTrack.Daemon;

// Digest BTM and DTM over a directory of pages that capture agents elsewhere write: each
// request loads the pages there now, so it sees every page sealed so far.

public sealed class ArchiveBtm(uint asNumber, IReadOnlyList<BorderLink> links, string directory, TimeSpan tolerance) : IBtmClient
{
    public async Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
    {
        using var pages = new PageSet(DigestArchive.Load(directory));
        return await new DigestBtm(asNumber, links, pages, tolerance).TraceAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

public sealed class ArchiveDtm(uint asNumber, IReadOnlyList<DomainRouter> routers, string directory, TimeSpan tolerance) : IDtmClient
{
    public async Task<DtmTraceReply> TraceAsync(DtmTraceRequest request, CancellationToken cancellationToken)
    {
        using var pages = new PageSet(DigestArchive.Load(directory));
        return await new DigestDtm(asNumber, routers, pages, tolerance).TraceAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
