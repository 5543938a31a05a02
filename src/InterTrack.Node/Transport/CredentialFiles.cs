using InterTrack.Node.Pki;

namespace InterTrack.Node.Transport;

/// <summary>
/// Where a node's or client's credentials are — its certificate and key, the federation CA and
/// CRL — each named as the user gave it, with what the certificate should be: the messages of
/// <see cref="TlsCredentials.Load(CredentialFiles)"/> name the option or field to fix.
/// </summary>
/// <param name="Crl">The CRL; null: <c>ca.crl</c> beside the CA, when it exists.</param>
/// <param name="Wanted">What the certificate should be, said in a message about a wrong one.</param>
public sealed record CredentialFiles(NamedFile Certificate, NamedFile Key, NamedFile Ca, NamedFile? Crl, string Wanted)
{
    /// <summary>A Traceback Client's files, given as <c>--cert</c>, <c>--key</c>, <c>--ca</c> and <c>--crl</c>.</summary>
    public static CredentialFiles ClientOptions(string certificate, string key, string ca, string? crl = null) =>
        new(NamedFile.Option("--cert", certificate), NamedFile.Option("--key", key), NamedFile.Option("--ca", ca),
            crl is null ? null : NamedFile.Option("--crl", crl),
            "a Traceback Client certificate, e.g. the asN-tc.crt from 'intertrack pki issue --role tc'");
}
