using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace InterTrack.Node.Pki;

/// <summary>
/// The federation's certificate revocation list (an X.509 CRL signed by the CA, PEM or DER, as
/// <c>intertrack pki revoke</c> writes it). It is read again whenever the file changes — or
/// appears — so a revocation reaches running nodes without a restart. A file that is not a CRL
/// signed by the federation CA is refused: at start as an error, later by keeping the list in force.
/// </summary>
public sealed class RevocationList
{
    private const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";

    private readonly string _path;
    private readonly X509Certificate2 _ca;
    private readonly Lock _lock = new();
    private (DateTime Written, long Length)? _stamp;
    private IReadOnlySet<string> _serials = new HashSet<string>();

    /// <exception cref="FormatException">The file exists and is not a CRL signed by the CA.</exception>
    public RevocationList(string path, X509Certificate2 ca)
    {
        _path = path;
        _ca = ca;
        Refresh(throwOnError: true);
    }

    /// <summary>The CRL a CA certificate has beside it: <c>ca.crl</c> in the same directory.</summary>
    public static string BesideCa(string caCertificatePath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(caCertificatePath))!, "ca.crl");

    /// <summary>Why the last change of the file was not taken (the previous list stays in force), or null.</summary>
    public string? Problem { get; private set; }

    public bool IsRevoked(X509Certificate2 certificate)
    {
        Refresh(throwOnError: false);
        return _serials.Contains(certificate.SerialNumber);
    }

    private void Refresh(bool throwOnError)
    {
        var info = new FileInfo(_path);
        (DateTime, long)? stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
        lock (_lock)
        {
            if (stamp == _stamp)
            {
                return;
            }
            try
            {
                _serials = stamp is null ? new HashSet<string>() : Read(File.ReadAllBytes(_path), _ca);
                Problem = null;
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                Problem = $"{_path}: {e.Message}";
                if (throwOnError)
                {
                    throw new FormatException(Problem, e);
                }
            }
            _stamp = stamp;
        }
    }

    /// <summary>The serial numbers (hex, as <see cref="X509Certificate2.SerialNumber"/>) a CRL revokes, after checking the CA signed it.</summary>
    /// <exception cref="FormatException">Not a CRL, or not signed by <paramref name="ca"/>.</exception>
    public static IReadOnlySet<string> Read(byte[] file, X509Certificate2 ca)
    {
        byte[] der = Der(file);
        try
        {
            var list = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbs = list.PeekEncodedValue().ToArray();
            var tbsReader = list.ReadSequence();
            string algorithm = list.ReadSequence().ReadObjectIdentifier();
            byte[] signature = list.ReadBitString(out _);
            using var key = ca.GetECDsaPublicKey() ?? throw new FormatException("the CA has no ECDSA key");
            if (algorithm != EcdsaWithSha256 || !key.VerifyData(tbs, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                throw new FormatException("not signed by the federation CA");
            }
            if (tbsReader.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbsReader.ReadInteger(); // version
            }
            tbsReader.ReadSequence(); // signature algorithm
            tbsReader.ReadSequence(); // issuer
            ReadTime(tbsReader);      // thisUpdate
            if (tbsReader.HasData && IsTime(tbsReader.PeekTag()))
            {
                ReadTime(tbsReader); // nextUpdate
            }
            var serials = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (tbsReader.HasData && tbsReader.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = tbsReader.ReadSequence();
                while (entries.HasData)
                {
                    serials.Add(Convert.ToHexString(entries.ReadSequence().ReadIntegerBytes().Span));
                }
            }
            return serials;
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            throw new FormatException($"not an X.509 CRL: {e.Message}", e);
        }
    }

    private static bool IsTime(Asn1Tag tag) => tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static void ReadTime(AsnReader reader)
    {
        if (reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime))
        {
            reader.ReadUtcTime();
        }
        else
        {
            reader.ReadGeneralizedTime();
        }
    }

    /// <summary>The DER of a PEM ("X509 CRL") or DER file.</summary>
    private static byte[] Der(byte[] file)
    {
        var text = System.Text.Encoding.ASCII.GetString(file);
        if (PemEncoding.TryFind(text, out var fields))
        {
            return text[fields.Label].ToString() == "X509 CRL" ? Convert.FromBase64String(text[fields.Base64Data])
                : throw new FormatException($"a PEM '{text[fields.Label]}', not an X509 CRL");
        }
        return file;
    }

    /// <summary>Writes a new CRL: the one at <paramref name="path"/> (if any, checked) plus <paramref name="revoked"/>, signed by the CA.</summary>
    /// <returns>The CRL's number and how many certificates it revokes.</returns>
    public static (System.Numerics.BigInteger Number, int Count) Revoke(string path, CertificateAuthority ca, X509Certificate2 revoked, DateTimeOffset now)
    {
        CertificateRevocationListBuilder builder;
        System.Numerics.BigInteger number = 0;
        int count = 0;
        if (File.Exists(path))
        {
            byte[] existing = File.ReadAllBytes(path);
            count = Read(existing, ca.Certificate).Count; // ours, or refused
            builder = CertificateRevocationListBuilder.Load(Der(existing), out number);
        }
        else
        {
            builder = new CertificateRevocationListBuilder();
        }
        builder.AddEntry(revoked, now);
        byte[] crl = builder.Build(ca.Certificate, number + 1, now.AddDays(365), HashAlgorithmName.SHA256);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, PemEncoding.WriteString("X509 CRL", crl) + "\n");
        File.Move(temporary, path, overwrite: true);
        return (number + 1, count + 1);
    }
}
