using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using InterTrack.Pki;

namespace InterTrack.Transport;

/// <summary>
/// Decides whether a peer's certificate is acceptable: it must chain to the federation CA (and
/// nothing else: the system trust store plays no part), be valid now, be meant for its side of
/// TLS (extended key usage server or client authentication), not be revoked by the federation's
/// CRL, bind exactly one InterTrack identity, and that identity must be one the configuration names.
/// </summary>
/// <param name="peerIsServer">True when we connect and the peer serves (it needs server authentication), false when it connects to us.</param>
public sealed class PeerAuthenticator(X509Certificate2 federationCa, Func<NodeIdentity, bool> isAllowed, TimeProvider? time = null,
    RevocationList? revoked = null, bool peerIsServer = false)
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "server authentication");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "client authentication");

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>A policy that admits exactly the listed identities.</summary>
    public static Func<NodeIdentity, bool> Only(IEnumerable<NodeIdentity> identities)
    {
        var set = identities.ToHashSet();
        return set.Contains;
    }

    /// <returns>The peer's identity, or null with <paramref name="reason"/> saying why it was refused.</returns>
    public NodeIdentity? Authenticate(X509Certificate? presented, out string? reason) => Authenticate(presented, out reason, out _);

    /// <param name="trusted">Whether the certificate itself is good (chains, valid, not revoked, one identity), refused or not:
    /// a trusted peer that is not admitted can be told why over TLS.</param>
    public NodeIdentity? Authenticate(X509Certificate? presented, out string? reason, out bool trusted)
    {
        trusted = false;
        if (presented is null)
        {
            reason = "no certificate presented";
            return null;
        }
        using var certificate = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(federationCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        var usage = peerIsServer ? ServerAuthentication : ClientAuthentication;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        if (!chain.Build(certificate))
        {
            reason = chain.ChainStatus.Any(s => s.Status == X509ChainStatusFlags.NotValidForUsage)
                ? $"certificate not valid for TLS {usage.FriendlyName}"
                : "certificate rejected: " + string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            return null;
        }
        if (revoked?.IsRevoked(certificate) == true)
        {
            reason = $"certificate revoked (serial {certificate.SerialNumber})";
            return null;
        }
        var identity = CertificateIdentity.Read(certificate);
        if (identity is null)
        {
            reason = "certificate binds no single InterTrack identity";
            return null;
        }
        trusted = true;
        if (!isAllowed(identity))
        {
            reason = $"{identity} is not a configured peer";
            return null;
        }
        reason = null;
        return identity;
    }
}
