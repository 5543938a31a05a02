using System.Collections.Frozen;
using InterTrack.Protocol.Model;

namespace InterTrack.Protocol.Xml;

/// <summary>The element name (and type attribute) of each message type.</summary>
internal static class MessageTypes
{
    private static readonly FrozenDictionary<Type, string> Names = new Dictionary<Type, string>
    {
        [typeof(ConfigMessage)] = "Config",
        [typeof(HeartbeatRequest)] = "HeartbeatRequest",
        [typeof(HeartbeatReply)] = "HeartbeatReply",
        [typeof(HeartbeatError)] = "HeartbeatError",
        [typeof(ClientTraceRequest)] = "ClientTraceRequest",
        [typeof(ClientMessageIdReply)] = "ClientMessageIDReply",
        [typeof(ClientTraceReply)] = "ClientTraceReply",
        [typeof(DPointTraceRequest)] = "DPointTraceRequest",
        [typeof(DPointMessageIdReply)] = "DPointMessageIDReply",
        [typeof(DPointTraceReply)] = "DPointTraceReply",
        [typeof(ItmTraceRequest)] = "ITMTraceRequest",
        [typeof(ItmTraceReply)] = "ITMTraceReply",
        [typeof(BtmTraceRequest)] = "BTMTraceRequest",
        [typeof(BtmTraceReply)] = "BTMTraceReply",
        [typeof(DtmTraceRequest)] = "DTMTraceRequest",
        [typeof(DtmTraceReply)] = "DTMTraceReply",
        [typeof(ItmTraceResultExport)] = "ITMTraceResultExport",
        [typeof(TraceResultExport)] = "TraceResultExport",
    }.ToFrozenDictionary();

    public static IEnumerable<string> All => Names.Values;

    public static string NameOf(InterTrackMessage message) => Names[message.GetType()];
}
