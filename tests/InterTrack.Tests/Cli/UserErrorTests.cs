namespace InterTrack.Tests.Cli;

/// <summary>
/// A wrong certificate, key, CA, interface or configuration field is one line that names the
/// option, field or file and says what to give instead — never a .NET message about parameters or types.
/// </summary>
public sealed class UserErrorTests : IDisposable
{
    private const string Packet = "4500001400000000400600000a0000010a000002";

    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-errors-").FullName;

    public UserErrorTests()
    {
        Assert.Equal(0, CliRunner.Run("pki", "init", "--out", PathOf("ca")).Code);
        foreach (string role in new[] { "tc", "itm" })
        {
            Assert.Equal(0, CliRunner.Run("pki", "issue", "--ca", PathOf("ca"), "--as", "65001", "--role", role, "--out", PathOf("nodes")).Code);
        }
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>Runs a trace whose credentials are loaded before anything is sent (the D Point address is never reached).</summary>
    private static string Trace(string cert, string key, string ca) =>
        OneLineError(CliRunner.Run("trace", "--dp", "127.0.0.1:1", "--hex", Packet, "--cert", cert, "--key", key, "--ca", ca));

    /// <summary>The error line of a run that failed as a user mistake: exit 2, one line, no .NET parameter or type names.</summary>
    internal static string OneLineError((int Code, string Output, string Error) run)
    {
        Assert.Equal(2, run.Code);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
        return line;
    }

    [Theory]
    [InlineData("-1", "--duration must be more than 0")]
    [InlineData("0", "--duration must be more than 0")]
    [InlineData("99999999999", "at most 2592000 seconds (30 days)")]
    public void A_flow_collector_duration_out_of_range_is_refused_before_anything_listens(string seconds, string expected)
    {
        var run = CliRunner.Run("flows", "--listen", "127.0.0.1:0", "--out", PathOf("flows"), "--duration", seconds);
        Assert.Equal(2, run.Code);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(expected, run.Error.Split('\n')[0], StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("flows")));
    }

    [Fact]
    public void A_flow_collector_that_cannot_listen_leaves_no_store_behind()
    {
        // 192.0.2.1 (TEST-NET-1) is no address of this machine: binding fails, nothing is sent.
        string line = OneLineError(CliRunner.Run("flows", "--listen", "192.0.2.1:0", "--out", PathOf("flows"), "--duration", "1"));
        Assert.StartsWith("error: --listen: cannot listen on UDP 192.0.2.1:0", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("flows")));
    }

    [Fact]
    public void A_file_given_as_the_flow_store_is_named_as_a_file()
    {
        File.WriteAllText(PathOf("taken"), "x");
        string line = OneLineError(CliRunner.Run("flows", "--listen", "127.0.0.1:0", "--out", PathOf("taken"), "--duration", "1"));
        Assert.Contains($"--out: {PathOf("taken")} is a file; give a directory for the flow store", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_given_as_cert_is_named_with_its_option()
    {
        string line = Trace(PathOf("nodes"), PathOf("nodes/as65001-tc.key"), PathOf("ca/ca.crt"));
        Assert.Contains($"--cert {PathOf("nodes")}: is a directory; give a Traceback Client certificate", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_file_given_as_cert_is_no_pem_certificate()
    {
        File.WriteAllText(PathOf("node.json"), "{}");
        string line = Trace(PathOf("node.json"), PathOf("nodes/as65001-tc.key"), PathOf("ca/ca.crt"));
        Assert.Contains($"--cert {PathOf("node.json")}: not a PEM certificate (no \"-----BEGIN CERTIFICATE-----\")", line, StringComparison.Ordinal);
        Assert.Contains("asN-tc.crt from 'intertrack pki issue --role tc'", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_given_as_ca_is_a_private_key_not_a_certificate()
    {
        string line = Trace(PathOf("nodes/as65001-tc.crt"), PathOf("nodes/as65001-tc.key"), PathOf("nodes/as65001-tc.key"));
        Assert.Contains($"--ca {PathOf("nodes/as65001-tc.key")}: is a private key, not a certificate; give the federation's CA certificate", line,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_certificate_given_as_ca_is_not_of_a_ca()
    {
        string line = Trace(PathOf("nodes/as65001-tc.crt"), PathOf("nodes/as65001-tc.key"), PathOf("nodes/as65001-itm.crt"));
        Assert.Contains($"--ca {PathOf("nodes/as65001-itm.crt")}: is the certificate of AS65001/itm, not of a CA", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_another_certificate_does_not_match_the_cert()
    {
        string line = Trace(PathOf("nodes/as65001-tc.crt"), PathOf("nodes/as65001-itm.key"), PathOf("ca/ca.crt"));
        Assert.Contains($"--key {PathOf("nodes/as65001-itm.key")} does not match --cert {PathOf("nodes/as65001-tc.crt")}", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_given_as_key_is_not_a_private_key()
    {
        string line = Trace(PathOf("nodes/as65001-tc.crt"), PathOf("nodes/as65001-tc.crt"), PathOf("ca/ca.crt"));
        Assert.Contains($"--key {PathOf("nodes/as65001-tc.crt")}: is a certificate, not a private key", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_loader_names_the_configuration_field_of_a_node()
    {
        // The node's own certificate directory holds a key that is not its certificate's.
        Directory.CreateDirectory(PathOf("swapped"));
        File.Copy(PathOf("nodes/as65001-itm.crt"), PathOf("swapped/as65001-itm.crt"));
        File.Copy(PathOf("nodes/as65001-tc.key"), PathOf("swapped/as65001-itm.key"));
        File.WriteAllText(PathOf("node.json"), """{ "as": 65001, "ca": "ca/ca.crt", "certificates": "swapped", "itm": { "listen": "127.0.0.1:0" } }""");
        string line = OneLineError(CliRunner.Run("run", "--config", PathOf("node.json")));
        Assert.Contains($"bad configuration: certificates: {PathOf("swapped/as65001-itm.key")} does not match certificates: " +
            $"{PathOf("swapped/as65001-itm.crt")}",
            line, StringComparison.Ordinal);

        File.WriteAllText(PathOf("node.json"),
            """{ "as": 65001, "ca": "nodes/as65001-tc.key", "certificates": "nodes", "itm": { "listen": "127.0.0.1:0" } }""");
        line = OneLineError(CliRunner.Run("run", "--config", PathOf("node.json")));
        Assert.Contains($"bad configuration: ca: {PathOf("nodes/as65001-tc.key")}: is a private key, not a certificate", line, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_capture_interface_is_named_and_the_known_ones_listed()
    {
        string line = OneLineError(CliRunner.Run("capture", "--interface", "nosuch0", "--out", PathOf("pages"), "--duration", "1"));
        Assert.Contains("--interface nosuch0: no such interface; capture one of: ", line, StringComparison.Ordinal);
        Assert.Matches(@"capture one of: .*\blo\b", line); // the loopback interface every host has
    }

    [Theory]
    [InlineData("""{ "dp": { "maxFootmark": 5 } }""", "dp.maxFootmark: unknown field; did you mean 'maxFootmarks'?")]
    [InlineData("""{ "dtm": { "routers": [ { "name": "r1", "ingres": [ ] } ] } }""", "dtm.routers[0].ingres: unknown field; did you mean 'ingress'?")]
    [InlineData("""{ "itm": { "heartbeat": 5 } }""", "itm.heartbeat: unknown field; did you mean 'heartbeatSeconds'?")]
    [InlineData("""{ "zzz": 1 }""", "zzz: unknown field; the fields here are: as, ca, certificates, ")]
    [InlineData("""{ "dp": { "maxFootmarks": "1000" } }""", "dp.maxFootmarks: expected a whole number (at most 2147483647), got a string \"1000\"")]
    [InlineData("""{ "itm": { "skipOver": { "maxAsked": 99999999999 } } }""",
        "itm.skipOver.maxAsked: expected a whole number (at most 2147483647), got the number 99999999999")]
    [InlineData("""{ "as": -1 }""", "as: expected a whole number (0 to 4294967295), got the number -1")]
    [InlineData("""{ "itm": { "neighbors": { "65002": 9001 } } }""", "itm.neighbors.65002: expected a string, got the number 9001")]
    [InlineData("""{ "dp": { "clients": 65001 } }""", "dp.clients: expected a list [ ... ], got the number 65001")]
    [InlineData("""{ "itm": { "skipOver": "yes" } }""",
        "itm.skipOver: must be true, false or a section { ask, maxAsked, wave, offRoute, notices }, got a string \"yes\"")]
    [InlineData("""{ "itm": { "skipOver": null } }""", "itm.skipOver: must be true, false or a section { ask, maxAsked, wave, offRoute, notices }, got null")]
    [InlineData("""{ "itm": { "skipOver": { "maxAsk": 5 } } }""", "itm.skipOver.maxAsk: unknown field; did you mean 'maxAsked'?")]
    public void A_wrong_configuration_field_is_named_as_in_the_file_with_what_to_write(string json, string expected)
    {
        File.WriteAllText(PathOf("node.json"), json);
        string line = OneLineError(CliRunner.Run("run", "--config", PathOf("node.json")));
        Assert.Contains($"bad configuration: {PathOf("node.json")}: {expected}", line, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
