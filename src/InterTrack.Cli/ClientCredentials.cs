using InterTrack.Node.Transport;

namespace InterTrack.Cli;

/// <summary>
/// A Traceback Client's credentials from <c>--cert</c>, <c>--key</c>, <c>--ca</c> and <c>--crl</c>; a wrong file is one
/// line naming its option.
/// </summary>
internal static class ClientCredentials
{
    public static TlsCredentials Load(FileInfo certificate, FileInfo key, FileInfo ca, FileInfo? crl = null)
    {
        try
        {
            return TlsCredentials.Load(CredentialFiles.ClientOptions(certificate.FullName, key.FullName, ca.FullName, crl?.FullName));
        }
        catch (FormatException e)
        {
            throw new CommandException(e.Message, e);
        }
    }
}
