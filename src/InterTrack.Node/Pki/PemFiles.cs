using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace InterTrack.Node.Pki;

/// <summary>
/// Writes certificates and keys as PEM files (private keys mode 0600), and loads them: every
/// certificate, key and CA a user names goes through here, so a wrong file is told the same way
/// everywhere — which file, what it is, and what to give instead.
/// </summary>
public static class PemFiles
{
    private const string CertificateBegin = "-----BEGIN CERTIFICATE-----";

    /// <summary>What a CA option or field wants, for messages.</summary>
    public const string CaWanted = "the federation's CA certificate (ca.crt from 'intertrack pki init')";

    public static void WriteCertificate(string path, X509Certificate2 certificate) =>
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");

    /// <summary>Writes the private key as PKCS#8 PEM. The file is created 0600 before any byte is written.</summary>
    public static void WritePrivateKey(string path, X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey()
            ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("certificate has no private key", nameof(certificate));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(key.ExportPkcs8PrivateKeyPem());
        writer.Write('\n');
    }

    public static X509Certificate2 LoadCertificate(string path) => X509CertificateLoader.LoadCertificateFromFile(path);

    /// <summary>A certificate, PEM (or DER).</summary>
    /// <param name="wanted">What the file should be, for the message: "the asN-tc.crt from 'intertrack pki issue --role tc'".</param>
    /// <exception cref="FormatException">Missing, a directory, unreadable, or not a certificate; the message names the file and what to give.</exception>
    public static X509Certificate2 LoadCertificate(NamedFile file, string wanted)
    {
        byte[] bytes = Read(file, wanted);
        if (bytes.Length == 0)
        {
            throw new FormatException($"{file}: is empty; give {wanted}");
        }
        string text = Encoding.UTF8.GetString(bytes);
        try
        {
            return text.Contains(CertificateBegin, StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            string what = text.Contains(CertificateBegin, StringComparison.Ordinal) ? $"the certificate in it is damaged ({e.Message})"
                : text.Contains("PRIVATE KEY-----", StringComparison.Ordinal) ? "is a private key, not a certificate"
                : text.Contains("-----BEGIN X509 CRL-----", StringComparison.Ordinal) ? "is a revocation list, not a certificate"
                : $"not a PEM certificate (no \"{CertificateBegin}\")";
            throw new FormatException($"{file}: {what}; give {wanted}", e);
        }
    }

    /// <summary>The federation CA certificate: a certificate, and one of a CA.</summary>
    /// <exception cref="FormatException">Not a CA certificate; the message names the file.</exception>
    public static X509Certificate2 LoadCa(NamedFile file)
    {
        var certificate = LoadCertificate(file, CaWanted);
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(c => c.CertificateAuthority))
        {
            return certificate;
        }
        string whose = CertificateIdentity.Read(certificate) is { } identity ? $"the certificate of {identity}" : $"the certificate of {certificate.Subject}";
        certificate.Dispose();
        throw new FormatException($"{file}: is {whose}, not of a CA; give {CaWanted}");
    }

    /// <summary>A certificate and its private key (PKCS#8, EC or RSA, as 'intertrack pki' writes them).</summary>
    /// <exception cref="FormatException">Either file is wrong, or the key is not the certificate's; the message names both.</exception>
    public static X509Certificate2 LoadCertificateWithKey(NamedFile certificateFile, NamedFile keyFile, string wanted)
    {
        using var certificate = LoadCertificate(certificateFile, wanted);
        string keyWanted = $"the private key issued with {certificateFile.Path} (the .key written beside it)";
        string pem = Encoding.UTF8.GetString(Read(keyFile, keyWanted));
        if (!pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            string what = pem.Contains(CertificateBegin, StringComparison.Ordinal) ? "is a certificate, not a private key"
                : "not a PEM private key (no \"-----BEGIN PRIVATE KEY-----\")";
            throw new FormatException($"{keyFile}: {what}; give {keyWanted}");
        }
        using var key = ImportKey(pem) ?? throw new FormatException($"{keyFile}: the private key in it is damaged or of an unknown kind; give {keyWanted}");
        try
        {
            return key switch
            {
                ECDsa ec => certificate.CopyWithPrivateKey(ec),
                RSA rsa => certificate.CopyWithPrivateKey(rsa),
                _ => throw new CryptographicException(),
            };
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new FormatException($"{keyFile} does not match {certificateFile}: give {keyWanted}", e);
        }
    }

    private static AsymmetricAlgorithm? ImportKey(string pem)
    {
        foreach (var create in new Func<AsymmetricAlgorithm>[] { () => ECDsa.Create(), () => RSA.Create() })
        {
            var key = create();
            try
            {
                key.ImportFromPem(pem);
                return key;
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                key.Dispose();
            }
        }
        return null;
    }

    private static byte[] Read(NamedFile file, string wanted)
    {
        if (Directory.Exists(file.Path))
        {
            throw new FormatException($"{file}: is a directory; give {wanted}");
        }
        try
        {
            return File.ReadAllBytes(file.Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FormatException($"{file}: no such file; give {wanted}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{file}: cannot read it ({e.Message})", e);
        }
    }
}
