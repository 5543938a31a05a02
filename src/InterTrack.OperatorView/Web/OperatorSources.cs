using System.Net;
using InterTrack.Node.Managers;
using InterTrack.Node.Transport;

namespace InterTrack.OperatorView.Web;

/// <summary>
/// What the operator's page shows and uses: the D Point's store (traces), the D Point itself
/// (traces in flight), the ITM's heartbeats (neighbours) and the steps of its running traces (both
/// null when no ITM runs here), and how to
/// trace an uploaded pcap — as this AS's Traceback Client through the D Point's own port, like
/// any client (null credentials: the form says it cannot).
/// </summary>
public sealed record OperatorSources(uint As, DPointStore Store, DPoint DPoint, HeartbeatMonitor? Heartbeats, TraceProgress? Progress,
    IPEndPoint DPointEndpoint, TlsCredentials? Client);
