using System.Globalization;
using InterTrack.Node.Telemetry;
using InterTrack.Node.Tracing;
using InterTrack.Protocol.Model;
using Microsoft.Extensions.Logging;

namespace InterTrack.Node.Managers;

/// <summary>
/// Spoofing notices (<see cref="SpoofNotice"/>): this ITM sends its own to the ITM of the spoofed
/// packets' destination AS, keeps those it receives for its AS (<see cref="Notices"/>), and when its
/// own D Point traces, names the notifiers covering the traced packets in the request (Option
/// "spoof-noticed"), which every ITM forwards with it: skip-over then asks behind a gap only the
/// ASes on a notifier's route.
/// </summary>
public sealed partial class Itm
{
    internal const string NoticedOption = "spoof-noticed";

    /// <summary>The spoofing notices received for our AS's addresses.</summary>
    public SpoofNoticeBoard Notices { get; } = new();

    /// <summary>Tells the destination AS's ITM that we saw spoofed packets to it (one message, no answer).</summary>
    /// <exception cref="IOException">That ITM cannot be reached.</exception>
    public async Task NotifyAsync(uint destinationAs, SpoofNotice notice, CancellationToken cancellationToken)
    {
        var message = notice.ToMessage(NewMessageId(), destinationAs);
        await neighbors.NotifyAsync(destinationAs, message, cancellationToken).ConfigureAwait(false);
        ItmLog.Notified(_logger, message.MessageId.ToString(), destinationAs, notice.Destination.ToString(), notice.Packets);
    }

    /// <summary>Takes a spoofing notice another ITM sent; the reason it was refused, or null.</summary>
    public string? Receive(uint sender, ItmTraceResultExport message)
    {
        // Notices share the limit of requests from other ASes.
        string? refused = !settings.Admits(sender) ? $"AS{sender} is refused by the path filter"
            : !_neighborRate.TryTake() ? "rate limit exceeded" : null;
        SpoofNotice? notice = null;
        try
        {
            notice = refused is null ? SpoofNotice.FromMessage(sender, message) : null;
        }
        catch (FormatException e)
        {
            refused = e.Message;
        }
        if (notice is null)
        {
            ItmLog.NoticeRefused(_logger, message.MessageId.ToString(), sender, refused!);
            return refused;
        }
        Notices.Add(notice);
        ItmLog.Noticed(_logger, message.MessageId.ToString(), sender, notice.EnteredFrom is { } from ? $"AS{from}" : "its hosts",
            notice.Destination.ToString(), notice.Packets);
        return null;
    }

    /// <summary>
    /// Our own D Point's request, naming the ASes whose notices cover its packets — none, too: then the ASes known to send notices
    /// saw no spoofing, and skip-over passes over them (unchanged when skip-over ignores notices).
    /// </summary>
    private ItmTraceRequest WithNotifiers(ItmTraceRequest request)
    {
        if (settings.SkipOver is not { Notices: true })
        {
            return request;
        }
        var notifiers = Notices.NotifiersOf(EvidencePackets.Packets(request.Evidence));
        return request with
        {
            Options = [.. request.Options, new MessageOption(NoticedOption, string.Join(',', notifiers.Select(n => n.ToString(CultureInfo.InvariantCulture))))],
        };
    }

    /// <summary>The notifiers a request names (maybe none); null when it carries no such option (skip-over then asks by the AS graph alone).</summary>
    private static HashSet<uint>? NotifiersIn(ItmTraceRequest request) =>
        request.Options.FirstOrDefault(o => o.Type == NoticedOption) is { } option
            ? [.. option.Value.Split(',').Select(v => uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out uint a) ? a : 0).Where(a => a != 0)]
            : null;
}

internal static partial class ItmLog
{
    [LoggerMessage(LogEvents.ItmNoticed, LogLevel.Information,
        "Spoofing notice {MessageId} from AS{Sender}: {Packets} spoofed packets to {Destination} came in from {From}")]
    public static partial void Noticed(ILogger logger, string messageId, uint sender, string from, string destination, long packets);

    [LoggerMessage(LogEvents.ItmNoticeRefused, LogLevel.Warning, "Message {MessageId} from AS{Sender} refused: {Reason}")]
    public static partial void NoticeRefused(ILogger logger, string messageId, uint sender, string reason);

    [LoggerMessage(LogEvents.ItmNotified, LogLevel.Information, "Spoofing notice {MessageId} sent to AS{Destination}: {Packets} spoofed packets to {Address}")]
    public static partial void Notified(ILogger logger, string messageId, uint destination, string address, long packets);
}
