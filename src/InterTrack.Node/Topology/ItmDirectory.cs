using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using InterTrack.Node.Transport;

namespace InterTrack.Node.Topology;

/// <summary>
/// Where the ITM of each AS that runs InterTrack listens, as the federation publishes it: a JSON
/// file <c>{"itms": {"65003": "203.0.113.9:9001", …}}</c> and beside it <c>FILE.sig</c>, the
/// federation CA's ECDSA signature (base64, P1363 form, SHA-256) over the file's exact bytes
/// (<c>intertrack pki sign</c>). An ITM uses it to reach non-neighbours for skip-over and to admit
/// their requests; a file whose signature does not verify is refused. An optional
/// <c>"noticeSenders": [65003, …]</c> lists the ASes that send spoofing notices (docs/protocol.md):
/// skip-over passes over those of them that sent none.
/// </summary>
public sealed class ItmDirectory
{
    private ItmDirectory(IReadOnlyDictionary<uint, (string Host, int Port)> itms, IReadOnlySet<uint> noticeSenders) =>
        (Itms, _noticeSenders) = (itms, noticeSenders);

    private readonly IReadOnlySet<uint> _noticeSenders;

    public IReadOnlyDictionary<uint, (string Host, int Port)> Itms { get; }

    public bool Contains(uint asNumber) => Itms.ContainsKey(asNumber);

    /// <summary>Whether the federation lists the AS as sending spoofing notices.</summary>
    public bool SendsNotices(uint asNumber) => _noticeSenders.Contains(asNumber);

    public static string SignaturePath(string path) => path + ".sig";

    /// <summary>Signs a directory file with the CA's key, writing FILE.sig.</summary>
    public static void Sign(string path, ECDsa caKey) =>
        File.WriteAllText(SignaturePath(path), Convert.ToBase64String(caKey.SignData(File.ReadAllBytes(path), HashAlgorithmName.SHA256)) + "\n");

    /// <exception cref="FormatException">Missing, unsigned, wrongly signed, or not the expected shape; the message says which.</exception>
    public static ItmDirectory Load(string path, X509Certificate2 federationCa)
    {
        byte[] bytes;
        string signature;
        try
        {
            bytes = File.ReadAllBytes(path);
            signature = File.ReadAllText(SignaturePath(path)).Trim();
        }
        catch (IOException e)
        {
            throw new FormatException($"{e.Message} (a directory needs its signature file {Path.GetFileName(SignaturePath(path))}: intertrack pki sign)", e);
        }
        using var key = federationCa.GetECDsaPublicKey() ?? throw new FormatException("the federation CA has no ECDSA key to check the signature with");
        bool valid;
        try
        {
            valid = key.VerifyData(bytes, Convert.FromBase64String(signature), HashAlgorithmName.SHA256);
        }
        catch (FormatException)
        {
            valid = false;
        }
        if (!valid)
        {
            throw new FormatException($"{path}: the signature in {Path.GetFileName(SignaturePath(path))} is not the federation CA's");
        }
        var itms = new Dictionary<uint, (string, int)>();
        var noticeSenders = new HashSet<uint>();
        try
        {
            using var json = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            foreach (var entry in json.RootElement.GetProperty("itms").EnumerateObject())
            {
                if (!uint.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out uint asNumber) || asNumber == 0
                    || entry.Value.ValueKind != JsonValueKind.String || !HostPort.TryParse(entry.Value.GetString()!, out string host, out int port))
                {
                    throw new FormatException($"{path}: itms.{entry.Name}: expected an AS number and \"HOST:PORT\"");
                }
                itms[asNumber] = (host, port);
            }
            if (json.RootElement.TryGetProperty("noticeSenders", out var senders))
            {
                if (senders.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException($"{path}: noticeSenders: expected a list of AS numbers, got {senders.GetRawText()}");
                }
                foreach (var sender in senders.EnumerateArray())
                {
                    noticeSenders.Add(sender.ValueKind == JsonValueKind.Number && sender.TryGetUInt32(out uint asNumber) && asNumber != 0 ? asNumber
                        : throw new FormatException($"{path}: noticeSenders: expected AS numbers, got {sender.GetRawText()}"));
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"{path}: expected {{\"itms\": {{\"AS\": \"HOST:PORT\", …}}}}", e);
        }
        return new ItmDirectory(itms, noticeSenders);
    }
}
