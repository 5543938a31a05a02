using System.Security.Authentication;
using InterTrack.Pki;

namespace InterTrack.Transport;

/// <summary>
/// A TLS connection to a peer that did not come about; the message says which side refused whom
/// and what to use instead. <see cref="Presented"/> lets a caller say more about a wrong address
/// (a Traceback Client aimed at an ITM instead of its D Point).
/// </summary>
public sealed class TlsConnectException : AuthenticationException
{
    public TlsConnectException(string message, Exception inner, NodeIdentity expected, NodeIdentity? presented) : base(message, inner)
    {
        Expected = expected;
        Presented = presented;
    }

    public TlsConnectException() { }

    public TlsConnectException(string message) : base(message) { }

    public TlsConnectException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The identity we asked for.</summary>
    public NodeIdentity? Expected { get; }

    /// <summary>A good certificate of the federation the peer presented for another identity than <see cref="Expected"/>; null otherwise.</summary>
    public NodeIdentity? Presented { get; }
}
