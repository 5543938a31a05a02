using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using InterTrack.Node.Pki;

namespace InterTrack.Node.Transport;

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
        var check = Check(presented);
        reason = check.Reason;
        trusted = check.Trusted;
        return check.Admitted;
    }

    /// <summary>Checks a peer's certificate, saying what it claims and why it is refused, for messages that name who refused whom.</summary>
    internal PeerCheck Check(X509Certificate? presented)
    {
        if (presented is null)
        {
            return new PeerCheck(null, null, false, false, "no certificate presented");
        }
        using var certificate = new X509Certificate2(presented);
        var claimed = CertificateIdentity.Read(certificate);
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
            var problems = chain.ChainStatus.Select(s => s.Status).ToHashSet();
            bool unknownCa = problems.Contains(X509ChainStatusFlags.PartialChain) || problems.Contains(X509ChainStatusFlags.UntrustedRoot);
            string reason = problems.Contains(X509ChainStatusFlags.NotValidForUsage) ? $"certificate not valid for TLS {usage.FriendlyName}"
                : unknownCa ? "certificate rejected: not signed by the federation CA"
                : problems.Contains(X509ChainStatusFlags.NotTimeValid)
                    ? $"certificate rejected: valid only from {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} to " +
                    $"{certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
                : "certificate rejected: " + string.Join(", ", problems);
            return new PeerCheck(null, claimed, false, unknownCa, reason);
        }
        if (revoked?.IsRevoked(certificate) == true)
        {
            return new PeerCheck(null, claimed, false, false, $"certificate revoked (serial {certificate.SerialNumber})");
        }
        if (claimed is null)
        {
            return new PeerCheck(null, null, false, false, "certificate binds no single InterTrack identity");
        }
        return isAllowed(claimed)
            ? new PeerCheck(claimed, claimed, true, false, null)
            : new PeerCheck(null, claimed, true, false, $"{claimed} is not a configured peer");
    }
}

/// <summary>What <see cref="PeerAuthenticator.Check"/> found.</summary>
/// <param name="Admitted">The peer's identity when it is admitted; null when refused.</param>
/// <param name="Claimed">The identity its certificate binds, trusted or not: who was refused.</param>
/// <param name="Trusted">The certificate itself is good (chains, valid, not revoked, one identity), admitted or not.</param>
/// <param name="UnknownCa">The certificate does not chain to the federation CA.</param>
/// <param name="Reason">Why it was refused; null when admitted.</param>
internal sealed record PeerCheck(NodeIdentity? Admitted, NodeIdentity? Claimed, bool Trusted, bool UnknownCa, string? Reason);
