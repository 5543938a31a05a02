using System.Runtime.Serialization;

namespace InterTrack.Protocol.Model;

// The enumerations of the InterTrack message schema. A member's wire text is its name unless an
// [EnumMember] gives another (see WireEnum).

/// <summary>ipversion of a cover area, filter or neighbour: 4, 6 or any.</summary>
public enum IpVersion
{
    [EnumMember(Value = "4")] V4,
    [EnumMember(Value = "6")] V6,
    [EnumMember(Value = "any")] Any,
}

/// <summary>version of a concrete IP address: 4 or 6.</summary>
public enum IpAddressVersion
{
    [EnumMember(Value = "4")] V4,
    [EnumMember(Value = "6")] V6,
}

public enum AddressScope
{
    [EnumMember(Value = "global")] Global,
    [EnumMember(Value = "private")] Private,
    [EnumMember(Value = "linklocal")] LinkLocal,
    [EnumMember(Value = "sitelocal")] SiteLocal,
}

public enum AddressBlock
{
    [EnumMember(Value = "global")] Global,
    [EnumMember(Value = "private")] Private,
    [EnumMember(Value = "thisnetwork")] ThisNetwork,
    [EnumMember(Value = "publicdata")] PublicData,
    [EnumMember(Value = "catv")] Catv,
    [EnumMember(Value = "experiment")] Experiment,
    [EnumMember(Value = "loopback")] Loopback,
    [EnumMember(Value = "reserved")] Reserved,
    [EnumMember(Value = "linklocal")] LinkLocal,
    [EnumMember(Value = "test-net")] TestNet,
    [EnumMember(Value = "6to4relay")] SixToFourRelay,
    [EnumMember(Value = "benchmark")] Benchmark,
    [EnumMember(Value = "sTLA")] SubTla,
    [EnumMember(Value = "6to4")] SixToFour,
    [EnumMember(Value = "6bone")] SixBone,
    [EnumMember(Value = "uniquelocal")] UniqueLocal,
    [EnumMember(Value = "multicast")] Multicast,
}

/// <summary>The kind of an InterTrack node (node_atype).</summary>
public enum NodeRole
{
    [EnumMember(Value = "ITM")] Itm,
    [EnumMember(Value = "BTM")] Btm,
    [EnumMember(Value = "DTM")] Dtm,
    [EnumMember(Value = "DP")] DPoint,
    [EnumMember(Value = "DBFE")] Dbfe,
    [EnumMember(Value = "TC")] Client,
    [EnumMember(Value = "NOC")] Noc,
    [EnumMember(Value = "CMD")] Cmd,
    [EnumMember(Value = "OTHER")] Other,
    [EnumMember(Value = "BTS")] Bts,
    [EnumMember(Value = "DTS")] Dts,
}

public enum NodeIdType
{
    [EnumMember(Value = "OTHER")] Other,
    [EnumMember(Value = "ITMID")] ItmId,
    [EnumMember(Value = "IP")] Ip,
    [EnumMember(Value = "MAC")] Mac,
    [EnumMember(Value = "AddrPair")] AddressPair,
    [EnumMember(Value = "FQDN")] Fqdn,
}

internal enum MacLength
{
    [EnumMember(Value = "EUI48")] Eui48,
    [EnumMember(Value = "EUI64")] Eui64,
}

internal enum MacDelimiter
{
    [EnumMember(Value = "dot")] Dot,
    [EnumMember(Value = "colon")] Colon,
    [EnumMember(Value = "space")] Space,
    [EnumMember(Value = "hyphen")] Hyphen,
    [EnumMember(Value = "none")] None,
}

public enum ExportLevelKind
{
    [EnumMember(Value = "all")] All,
    [EnumMember(Value = "inter-as")] InterAs,
    [EnumMember(Value = "intra-as")] IntraAs,
}

public enum ErrorType
{
    [EnumMember(Value = "HB_UNKNOWN_ERROR")] HeartbeatUnknownError,
    [EnumMember(Value = "HB_WRONG_SEMANTIC")] HeartbeatWrongSemantic,
    [EnumMember(Value = "HB_OVER_THRESHOLD")] HeartbeatOverThreshold,
    [EnumMember(Value = "HB_TIMEOUT")] HeartbeatTimeout,
    [EnumMember(Value = "TB_WAIT_BTM_REPLY")] WaitBtmReply,
    [EnumMember(Value = "TB_WAIT_DTM_REPLY")] WaitDtmReply,
    [EnumMember(Value = "TB_WAIT_ITM_REPLY")] WaitItmReply,
    [EnumMember(Value = "TB_WAIT_TS_REPLY")] WaitTsReply,
    [EnumMember(Value = "TB_REFUSED_AUTH")] RefusedAuth,
    [EnumMember(Value = "TB_REFUSED_LIMIT")] RefusedLimit,
    [EnumMember(Value = "TB_REFUSED_PATH")] RefusedPath,
    [EnumMember(Value = "TB_BUSY_ITM")] BusyItm,
    [EnumMember(Value = "TB_BUSY_BTM")] BusyBtm,
    [EnumMember(Value = "TB_BUSY_DTM")] BusyDtm,
    [EnumMember(Value = "TB_BUSY_TS")] BusyTs,
    [EnumMember(Value = "TB_UNKNOWN_ERROR")] UnknownError,
}

/// <summary>How a packet dump or payload hash is encoded (encode_atype).</summary>
public enum DumpEncoding
{
    [EnumMember(Value = "base64binary")] Base64,
    [EnumMember(Value = "hexstring")] Hex,
    [EnumMember(Value = "md5")] Md5,
    [EnumMember(Value = "sha1")] Sha1,
    [EnumMember(Value = "sha-256")] Sha256,
}

/// <summary>Which header a packet dump starts with.</summary>
public enum DumpHeader
{
    [EnumMember(Value = "ip")] Ip,
    [EnumMember(Value = "ethernet")] Ethernet,
    [EnumMember(Value = "vlan")] Vlan,
}

/// <summary>The kind of address translation a TranslateInfo records (Border_atype).</summary>
public enum TranslationKind
{
    V4ToV6,
    V6ToV4,
    V4PrivateToV4Global,
    V4GlobalToV4Private,
    [EnumMember(Value = "V4VPNInternalToExternal")] V4VpnInternalToExternal,
    [EnumMember(Value = "V4VPNExternalToInternal")] V4VpnExternalToInternal,
    [EnumMember(Value = "V6VPNInternalToExternal")] V6VpnInternalToExternal,
    [EnumMember(Value = "V6VPNExternalToInternal")] V6VpnExternalToInternal,
    V4Reflection,
    V6Reflection,
    ApplicationLayerProxy,
}

/// <summary>What an AS is on the attack path (ASStatus_atype).</summary>
public enum AsStatus
{
    Destination,
    Source,
    Transit,
    Internal,
    Amplifier,
    Translator,
    [EnumMember(Value = "NATTraversal")] NatTraversal,
    NotFound,
    Unknown,
    Refused,
    Busy,
    Wait,
}

public enum TraceState
{
    [EnumMember(Value = "found")] Found,
    [EnumMember(Value = "notfound")] NotFound,
    [EnumMember(Value = "error")] Error,
    [EnumMember(Value = "reached")] Reached,
}
