using System.Security.Cryptography.X509Certificates;
using InterTrack.Node.Pki;
using InterTrack.Node.Topology;

namespace InterTrack.Tests.Topology;

/// <summary>The federation's signed directory: where ITMs listen, and which ASes send spoofing notices.</summary>
public sealed class ItmDirectoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-directory-").FullName;
    private readonly CertificateAuthority _ca = CertificateAuthority.Create("test federation", DateTimeOffset.UtcNow.AddMinutes(-5),
        DateTimeOffset.UtcNow.AddDays(1));

    private string Signed(string json)
    {
        string path = Path.Combine(_dir, "directory.json");
        File.WriteAllText(path, json);
        using var key = _ca.Certificate.GetECDsaPrivateKey()!;
        ItmDirectory.Sign(path, key);
        return path;
    }

    [Fact]
    public void The_directory_says_which_ases_send_spoofing_notices_and_none_when_it_does_not_say()
    {
        var directory = ItmDirectory.Load(Signed("""{ "itms": { "65001": "127.0.0.1:9001", "65003": "127.0.0.1:9201" }, "noticeSenders": [65003] }"""),
            _ca.Certificate);
        Assert.Equal((false, true), (directory.SendsNotices(65001), directory.SendsNotices(65003)));

        var silent = ItmDirectory.Load(Signed("""{ "itms": { "65001": "127.0.0.1:9001" } }"""), _ca.Certificate);
        Assert.False(silent.SendsNotices(65001));
    }

    [Theory]
    [InlineData("""{ "itms": {}, "noticeSenders": 65003 }""", "noticeSenders: expected a list of AS numbers, got 65003")]
    [InlineData("""{ "itms": {}, "noticeSenders": ["AS65003"] }""", "noticeSenders: expected AS numbers, got \"AS65003\"")]
    public void A_bad_list_of_notice_senders_is_refused_naming_the_field(string json, string expected)
    {
        string path = Signed(json);
        var e = Assert.Throws<FormatException>(() => ItmDirectory.Load(path, _ca.Certificate));
        Assert.Equal($"{path}: {expected}", e.Message);
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
