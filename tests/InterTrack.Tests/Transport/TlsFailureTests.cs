using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;
using InterTrack.Tests.Cli;
using InterTrack.Tests.Flow;
using Microsoft.Extensions.Time.Testing;

namespace InterTrack.Tests.Transport;

/// <summary>A TLS connection that fails says which side refused whom and what to use instead, on the client and in the server's log.</summary>
public sealed class TlsFailureTests : IDisposable
{
    private const string Packet = "4500001400000000400600000a0000010a000002";

    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-tls-").FullName;

    public TlsFailureTests()
    {
        foreach (string federation in new[] { "fed", "other" })
        {
            Assert.Equal(0, CliRunner.Run("pki", "init", "--out", PathOf($"{federation}/ca")).Code);
            foreach (string role in new[] { "tc", "dp", "itm" })
            {
                Assert.Equal(0, CliRunner.Run("pki", "issue", "--ca", PathOf($"{federation}/ca"), "--as", "65001", "--role", role, "--out",
                    PathOf($"{federation}/nodes")).Code);
            }
        }
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private TlsCredentials Node(string federation, string role) =>
        TlsCredentials.Load(PathOf($"{federation}/nodes/as65001-{role}.crt"), PathOf($"{federation}/nodes/as65001-{role}.key"),
        PathOf($"{federation}/ca/ca.crt"));

    /// <summary>A node of the federation on a free port that admits this AS's Traceback Client, logging to <paramref name="log"/>.</summary>
    private static MessageListener Serve(TlsCredentials credentials, ListLogger? log = null) =>
        MessageListener.StartTls(new IPEndPoint(IPAddress.Loopback, 0), credentials, PeerAuthenticator.Only([new NodeIdentity(65001, NodeRole.Client)]),
            (_, _, _) => ValueTask.CompletedTask, logger: log);

    private (int Code, string Output, string Error) Trace(int port, string federationOfCa) =>
        CliRunner.Run("trace", "--dp", $"127.0.0.1:{port}", "--hex", Packet, "--wait", "30",
            "--cert", PathOf("fed/nodes/as65001-tc.crt"), "--key", PathOf("fed/nodes/as65001-tc.key"), "--ca", PathOf($"{federationOfCa}/ca/ca.crt"));

    [Fact]
    public async Task A_dp_option_aimed_at_an_itm_says_whose_node_it_reached_and_where_to_point()
    {
        using var itm = Node("fed", "itm");
        await using var server = Serve(itm);
        string line = UserErrorTests.OneLineError(await Task.Run(() => Trace(server.LocalEndPoint.Port, "fed")));
        Assert.Contains($"--dp 127.0.0.1:{server.LocalEndPoint.Port}: the peer there is AS65001's ITM, not a D Point: "
            + "point --dp at the D Point's address (dp.listen in its configuration)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_wrong_ca_names_the_server_and_the_ca_option()
    {
        using var dpoint = Node("fed", "dp");
        await using var server = Serve(dpoint);
        int port = server.LocalEndPoint.Port;
        string line = UserErrorTests.OneLineError(await Task.Run(() => Trace(port, "other")));
        Assert.Contains($"the certificate of 127.0.0.1:{port} (AS65001/dp) is not signed by --ca {PathOf("other/ca/ca.crt")}: use the " +
            "federation's CA certificate",
            line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_logs_which_client_it_refused_for_a_certificate_of_another_ca()
    {
        using var dpoint = Node("fed", "dp");
        using var stranger = Node("other", "tc");
        using var federationCa = PemFiles.LoadCertificate(PathOf("fed/ca/ca.crt"));
        // A client that trusts our D Point but holds a certificate of another federation.
        var client = new TlsCredentials(stranger.Certificate, federationCa);
        var log = new ListLogger();
        var server = Serve(dpoint, log);
        try
        {
            await using var connection = await MessageClient.ConnectTlsAsync("127.0.0.1", server.LocalEndPoint.Port, dpoint.Identity, client);
            await connection.ReceiveAsync(); // the server's refusal ends the connection
        }
        catch (AuthenticationException e)
        {
            Assert.Contains($"127.0.0.1:{server.LocalEndPoint.Port} (AS65001/dp) refused our certificate", e.Message, StringComparison.Ordinal);
        }
        await server.DisposeAsync();
        Assert.Contains(log.Lines, l => l.Contains("AS65001/tc: its certificate is not signed by the CA we trust", StringComparison.Ordinal)
            && l.Contains(PathOf("fed/ca/ca.crt"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_port_that_answers_no_tls_is_named_when_the_handshake_timeout_passes()
    {
        using var tc = Node("fed", "tc");
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var connecting = MessageClient.ConnectTlsAsync("127.0.0.1", port, new NodeIdentity(65001, NodeRole.DPoint), tc, time: time);
        using var socket = await silent.AcceptSocketAsync();
        Assert.True(await socket.ReceiveAsync(new byte[4096]) > 0); // the ClientHello: the handshake (and its timer) has begun
        Assert.False(connecting.IsCompleted);
        time.Advance(TransportOptions.Default.HandshakeTimeout);
        var e = await Assert.ThrowsAsync<AuthenticationException>(() => connecting.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal($"127.0.0.1:{port} did not answer the TLS handshake within 5 s: it is not an InterTrack node, or a plain-TCP service", e.Message);
    }

    [Fact]
    public async Task A_port_that_answers_something_else_than_tls_is_named_at_once()
    {
        using var tc = Node("fed", "tc");
        using var plain = new TcpListener(IPAddress.Loopback, 0);
        plain.Start();
        int port = ((IPEndPoint)plain.LocalEndpoint).Port;
        var connecting = MessageClient.ConnectTlsAsync("127.0.0.1", port, new NodeIdentity(65001, NodeRole.DPoint), tc, time: new FakeTimeProvider());
        using var socket = await plain.AcceptSocketAsync();
        await socket.SendAsync("SSH-2.0-OpenSSH_9.6\r\n"u8.ToArray());
        var e = await Assert.ThrowsAsync<AuthenticationException>(() => connecting.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.StartsWith($"127.0.0.1:{port} did not answer the TLS handshake (", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("): it is not an InterTrack node, or a plain-TCP service", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
