using InterTrack.Border;
using InterTrack.Digest;
using InterTrack.Managers;
using InterTrack.Protocol.Model;

namespace InterTrack.Daemon;

/// <summary>A BTM over a directory of digest pages (written by a capture agent elsewhere): each request sees the pages there now.</summary>
public sealed class ArchiveBtm(uint asNumber, IReadOnlyList<BorderLink> links, string directory, TimeSpan tolerance) : IBtmClient
{
    public async Task<BtmTraceReply> TraceAsync(BtmTraceRequest request, CancellationToken cancellationToken)
    {
        using var pages = new PageSet(DigestArchive.Load(directory));
        return await new DigestBtm(asNumber, links, pages, tolerance).TraceAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
