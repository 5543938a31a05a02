using InterTrack.Node.Pki;

namespace InterTrack.Node.Transport;

/// <summary>
/// Why a TLS connection was refused when the peer holds a good certificate of the federation, but
/// for another identity than the one asked for: the inner exception of the connection's
/// <see cref="System.Security.Authentication.AuthenticationException"/>, so a caller can say more
/// about a wrong address (a Traceback Client aimed at an ITM instead of its D Point).
/// </summary>
public sealed class UnexpectedPeerException : Exception
{
    public UnexpectedPeerException(NodeIdentity expected, NodeIdentity presented, Exception inner)
        : base($"expected {expected}, the peer is {presented}", inner)
    {
        Expected = expected;
        Presented = presented;
    }

    public UnexpectedPeerException() { }

    public UnexpectedPeerException(string message) : base(message) { }

    public UnexpectedPeerException(string message, Exception inner) : base(message, inner) { }

    public NodeIdentity? Expected { get; }

    public NodeIdentity? Presented { get; }
}
