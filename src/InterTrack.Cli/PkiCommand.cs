using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using InterTrack.Node.Pki;
using InterTrack.Node.Topology;

namespace InterTrack.Cli;

/// <summary><c>intertrack pki init|issue</c>: the federation CA and node certificates.</summary>
internal static class PkiCommand
{
    public const string CaCertificateFile = "ca.crt";
    public const string CaKeyFile = "ca.key";
    public const string CaCrlFile = "ca.crl";

    public static Command Create()
    {
        var pki = new Command("pki", "Create the federation CA and issue node certificates (PEM files; keys are written 0600).");
        pki.Subcommands.Add(Init());
        pki.Subcommands.Add(Issue());
        pki.Subcommands.Add(Revoke());
        pki.Subcommands.Add(Sign());
        return pki;
    }

    private static Command Init()
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Directory for ca.crt and ca.key (created if missing).", Required = true };
        var name = new Option<string>("--name") { Description = "Common name of the CA.", DefaultValueFactory = _ => "InterTrack federation CA" };
        var days = Days(3650);
        var force = Force();
        var command = new Command("init", "Create a federation CA: a self-signed ECDSA P-256 root in ca.crt, its key in ca.key.")
        {
            outDir, name, days, force,
        };
        command.SetAction(parsed =>
        {
            var dir = parsed.GetValue(outDir)!;
            string certPath = Path.Combine(dir.FullName, CaCertificateFile);
            string keyPath = Path.Combine(dir.FullName, CaKeyFile);
            PrepareOutputs(parsed.GetValue(force), certPath, keyPath);
            var now = DateTimeOffset.UtcNow;
            using var ca = CertificateAuthority.Create(parsed.GetValue(name)!, now.AddMinutes(-5), now.AddDays(parsed.GetValue(days)));
            PemFiles.WriteCertificate(certPath, ca.Certificate);
            PemFiles.WritePrivateKey(keyPath, ca.Certificate);
            var output = parsed.InvocationConfiguration.Output;
            output.WriteLine($"certificate: {certPath}");
            output.WriteLine($"key: {keyPath}");
            return 0;
        });
        return command;
    }

    private static Command Issue()
    {
        var caDir = new Option<DirectoryInfo>("--ca") { Description = "Directory holding ca.crt and ca.key (from 'pki init').", Required = true };
        var asNumber = new Option<uint>("--as") { Description = "AS number of the node (1-4294967295).", Required = true };
        asNumber.Validators.Add(result =>
        {
            // Not a whole number from 1 to 4294967295 (negative, too large, not a number): one clear error.
            if (result.Tokens.Count != 1 || !uint.TryParse(result.Tokens[0].Value, System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out uint value) || value == 0)
            {
                result.AddError("--as must be an AS number from 1 to 4294967295.");
            }
        });
        var role = new Option<string>("--role")
        {
            Description = "Role of the node: itm, btm, dtm, dp (D Point) or tc (Traceback Client).",
            Required = true,
        };
        role.AcceptOnlyFromAmong("itm", "btm", "dtm", "dp", "tc");
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Directory for asN-role.crt and asN-role.key.", Required = true };
        var hosts = new Option<string[]>("--host", "--dns")
        {
            Description = "DNS names or IP addresses the node is reached at, named in the certificate beside its identity (SAN DNS/IP) so that HTTPS "
                + "clients checking the host name accept it: give the RID gateway's dp certificate the name RID agents connect to. "
                + "InterTrack peers are matched by AS and role only.",
            AllowMultipleArgumentsPerToken = true,
        };
        hosts.Validators.Add(result =>
        {
            foreach (string host in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!CertificateAuthority.IsHostName(host))
                {
                    result.AddError($"--host: '{host}' is neither a DNS name nor an IP address.");
                }
            }
        });
        var days = Days(365);
        var force = Force();
        var command = new Command("issue",
            "Issue a node certificate binding an AS number and a role (SAN URI urn:intertrack:asN:role), and with --host the names it is reached at.")
        {
            caDir, asNumber, role, outDir, hosts, days, force,
        };
        command.SetAction(parsed =>
        {
            if (!NodeIdentity.TryParseRole(parsed.GetValue(role)!, out var nodeRole))
            {
                throw new CommandException("--role must be one of itm, btm, dtm, dp, tc.");
            }
            var identity = new NodeIdentity(parsed.GetValue(asNumber), nodeRole);
            var dir = parsed.GetValue(outDir)!;
            string stem = $"as{identity.AsNumber}-{identity.RoleName}";
            string certPath = Path.Combine(dir.FullName, stem + ".crt");
            string keyPath = Path.Combine(dir.FullName, stem + ".key");
            using var ca = LoadCa(parsed.GetValue(caDir)!);
            PrepareOutputs(parsed.GetValue(force), certPath, keyPath);
            var now = DateTimeOffset.UtcNow;
            using var certificate = ca.Issue(identity, now.AddMinutes(-5), now.AddDays(parsed.GetValue(days)), parsed.GetValue(hosts));
            PemFiles.WriteCertificate(certPath, certificate);
            PemFiles.WritePrivateKey(keyPath, certificate);
            var output = parsed.InvocationConfiguration.Output;
            output.WriteLine($"identity: {identity}");
            if (parsed.GetValue(hosts) is { Length: > 0 } named)
            {
                output.WriteLine($"hosts: {string.Join(", ", named)}");
            }
            output.WriteLine($"certificate: {certPath}");
            output.WriteLine($"key: {keyPath}");
            output.WriteLine($"expires: {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
            return 0;
        });
        return command;
    }

    private static Command Revoke()
    {
        var caDir = new Option<DirectoryInfo>("--ca") { Description = "Directory holding ca.crt and ca.key (from 'pki init'); the CRL is written there " +
            "as ca.crl.", Required = true };
        var cert = new Option<FileInfo>("--cert") { Description = "The node certificate to revoke (PEM, issued by this CA).", Required = true };
        var command = new Command("revoke", "Revoke a node certificate: add it to the federation's CRL (ca.crl beside ca.crt, signed by the CA). "
            + "Nodes and clients read ca.crl beside their CA certificate (or the configured crl) again when it changes, and refuse revoked peers.")
        {
            caDir, cert,
        };
        command.SetAction(parsed =>
        {
            using var ca = LoadCa(parsed.GetValue(caDir)!);
            string certPath = parsed.GetValue(cert)!.FullName;
            X509Certificate2 revoked;
            try
            {
                revoked = PemFiles.LoadCertificate(certPath);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new CommandException($"--cert: cannot read {certPath}: {e.Message}", e);
            }
            using (revoked)
            {
                if (!IssuedBy(revoked, ca.Certificate))
                {
                    throw new CommandException($"--cert: {certPath} was not issued by the CA in {parsed.GetValue(caDir)!.FullName}");
                }
                string crlPath = Path.Combine(parsed.GetValue(caDir)!.FullName, CaCrlFile);
                try
                {
                    var (number, count) = RevocationList.Revoke(crlPath, ca, revoked, DateTimeOffset.UtcNow);
                    var output = parsed.InvocationConfiguration.Output;
                    output.WriteLine($"revoked: {CertificateIdentity.Read(revoked)?.ToString() ?? revoked.Subject}, serial {revoked.SerialNumber}");
                    output.WriteLine($"crl: {crlPath} (number {number}, {count} certificates revoked)");
                }
                catch (FormatException e)
                {
                    throw new CommandException($"{crlPath}: {e.Message}; move it away to start a new list", e);
                }
            }
            return 0;
        });
        return command;
    }

    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate) && chain.ChainElements.Count == 2;
    }

    private static Command Sign()
    {
        var caDir = new Option<DirectoryInfo>("--ca") { Description = "Directory holding ca.crt and ca.key (from 'pki init').", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "The directory of ITMs to sign (JSON: {\"itms\": {\"AS\": \"HOST:PORT\"}}); the signature " +
            "goes to FILE.sig.", Required = true };
        var command = new Command("sign",
            "Sign the federation's directory of ITM endpoints with the CA's key, so ITMs accept it for skip-over (docs/protocol.md).")
        {
            caDir, file,
        };
        command.SetAction(parsed =>
        {
            var path = parsed.GetValue(file)!.FullName;
            if (!File.Exists(path))
            {
                throw new CommandException($"--file: no such file {path}");
            }
            using var ca = LoadCa(parsed.GetValue(caDir)!);
            using var key = ca.Certificate.GetECDsaPrivateKey() ?? throw new CommandException("the CA's key is not an ECDSA key");
            try
            {
                ItmDirectory.Sign(path, key);
                ItmDirectory.Load(path, ca.Certificate); // what an ITM will check: the shape too
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                File.Delete(ItmDirectory.SignaturePath(path)); // no signature for a directory no ITM would accept
                throw new CommandException(e.Message, e);
            }
            parsed.InvocationConfiguration.Output.WriteLine($"signature: {ItmDirectory.SignaturePath(path)}");
            return 0;
        });
        return command;
    }

    private static CertificateAuthority LoadCa(DirectoryInfo dir)
    {
        string certPath = Path.Combine(dir.FullName, CaCertificateFile);
        string keyPath = Path.Combine(dir.FullName, CaKeyFile);
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            throw new CommandException($"{dir.FullName} does not hold {CaCertificateFile} and {CaKeyFile}; create them with 'intertrack pki init'.");
        }
        try
        {
            return CertificateAuthority.Load(certPath, keyPath);
        }
        catch (CryptographicException e)
        {
            throw new CommandException($"cannot load the CA from {dir.FullName}: {e.Message}", e);
        }
    }

    private static void PrepareOutputs(bool force, params string[] paths)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                if (!force)
                {
                    throw new CommandException($"{path} exists; use --force to replace it.");
                }
                File.Delete(path);
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(paths[0])!);
    }

    private static Option<int> Days(int defaultDays)
    {
        var days = new Option<int>("--days") { Description = "Validity in days.", DefaultValueFactory = _ => defaultDays };
        days.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--days must be at least 1.");
            }
        });
        return days;
    }

    private static Option<bool> Force() => new("--force") { Description = "Replace existing files." };
}
