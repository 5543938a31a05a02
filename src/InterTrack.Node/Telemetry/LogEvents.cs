namespace InterTrack.Node.Telemetry;

/// <summary>
/// Every log message's event id, in one table so that no two messages share one (a test checks it):
/// operators filter and alert on these ids. Ranges by part: transport 1–99, managers 100–399,
/// kinds of traceback system 600–999, operator view 1000–1099, host 1100–1199, RID 1200–1299.
/// </summary>
public static class LogEvents
{
    public const int Listening = 1, PeerRefused = 2, BadMessage = 3, Closed = 4, TooManyConnections = 5, HandlerFailed = 6, HandshakesPending = 9;
    public const int RequestFailed = 100, BackgroundWorkFailed = 110, WorkLeftAtStop = 120;
    public const int DPointTraceFailed = 200;
    public const int ItmReceived = 300, ItmForwarded = 301, ItmAnswered = 302, ItmSkippedOver = 303;
    public const int ItmNoticed = 304, ItmNoticeRefused = 305, ItmNotified = 306;
    public const int PeerStateChanged = 320;
    public const int FlowExporterProblem = 600, FlowReceiveFailed = 601, FlowMessageFailed = 602, FlowLost = 603, FlowKernelDrops = 604,
        FlowBufferCapped = 605;
    public const int LinkTestCounting = 900, LinkTestCannotRead = 901, LinkTestCannotRemove = 902;
    public const int WebServing = 1000, WebUpload = 1001, WebRefused = 1002;
    public const int WebNoUploads = 1100;
    public const int RidReceived = 1200, RidAnswered = 1201, RidDenied = 1202, RidClientRefused = 1203, RidCalledBack = 1204, RidCallbackFailed = 1205,
        RidNoCallback = 1206, RidCertificateNamesNoHost = 1207;
}
