using System.Net;
using System.Security.Authentication;
using InterTrack.Node.Pki;
using InterTrack.Node.Transport;
using InterTrack.Protocol.Model;

namespace InterTrack.Tests.Transport;

public sealed class MutualTlsTests : IDisposable
{
    private static readonly NodeIdentity Itm1 = new(65001, NodeRole.Itm);
    private static readonly NodeIdentity Itm2 = new(65002, NodeRole.Itm);

    private readonly TestPki _pki = new();

    [Fact]
    public async Task Two_nodes_with_certificates_from_intertrack_pki_exchange_messages()
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var clientCredentials = _pki.Issue(65002, "itm");
        await using var server = EchoServer.Start(serverCredentials, [Itm2]);
        await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", server.LocalEndPoint.Port, Itm1, clientCredentials);

        for (int i = 0; i < 3; i++)
        {
            var reply = Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(client, 65002));
            Assert.Equal(Itm1.ToNeighborNode(), reply.Slave);
            Assert.Equal(NeighborNode.ForItm(65002), reply.Master);
        }
        Assert.Equal(Itm1, client.RemoteIdentity);
    }

    [Fact]
    public async Task Server_refuses_a_client_of_an_unknown_ca()
    {
        using var otherPki = new TestPki();
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var stranger = otherPki.Issue(65002, "itm");
        await using var server = EchoServer.Start(serverCredentials, [Itm2]);
        await AssertRefusedAsync(server, stranger, Itm1);
    }

    [Fact]
    public async Task Server_refuses_an_expired_client_certificate()
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var expired = _pki.IssueExpired(Itm2);
        await using var server = EchoServer.Start(serverCredentials, [Itm2]);
        await AssertRefusedAsync(server, expired, Itm1);
    }

    [Fact]
    public async Task Server_refuses_a_client_certificate_not_meant_for_client_authentication()
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var serverOnly = _pki.IssueWithUsage(Itm2, "1.3.6.1.5.5.7.3.1");
        await using var server = EchoServer.Start(serverCredentials, [Itm2]);
        await AssertRefusedAsync(server, serverOnly, Itm1);
    }

    [Fact]
    public async Task Client_refuses_a_server_certificate_not_meant_for_server_authentication()
    {
        using var clientOnly = _pki.IssueWithUsage(Itm1, "1.3.6.1.5.5.7.3.2");
        using var clientCredentials = _pki.Issue(65002, "itm");
        await using var server = EchoServer.Start(clientOnly, [Itm2]);
        var e = await Assert.ThrowsAsync<AuthenticationException>(() => MessageClient.ConnectTlsAsync("127.0.0.1", server.LocalEndPoint.Port, Itm1,
            clientCredentials));
        Assert.Contains("not valid for TLS server authentication", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_peer_is_refused_by_a_running_server_and_client_once_the_crl_changes()
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var clientCredentials = _pki.Issue(65002, "itm");
        await using var server = EchoServer.Start(serverCredentials, [Itm2]);
        await using (var before = await MessageClient.ConnectTlsAsync("127.0.0.1", server.LocalEndPoint.Port, Itm1, clientCredentials))
        {
            Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(before, 65002));
        }

        Assert.Contains("revoked: AS65002/itm", _pki.Revoke(65002, "itm"), StringComparison.Ordinal);
        await AssertRefusedAsync(server, clientCredentials, Itm1);

        // The other way round: a client refuses a server whose certificate is revoked.
        _pki.Revoke(65001, "itm");
        using var otherClient = _pki.Issue(65003, "itm");
        await using var server2 = EchoServer.Start(serverCredentials, [new NodeIdentity(65003, NodeRole.Itm)]);
        var e = await Assert.ThrowsAsync<AuthenticationException>(() => MessageClient.ConnectTlsAsync("127.0.0.1", server2.LocalEndPoint.Port, Itm1,
            otherClient));
        Assert.Contains("revoked", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crl_not_signed_by_the_federation_ca_is_refused_and_a_bad_update_keeps_the_list_in_force()
    {
        using var otherPki = new TestPki();
        otherPki.Issue(65009, "itm").Dispose();
        otherPki.Revoke(65009, "itm");
        using var credentials = _pki.Issue(65002, "itm");
        _pki.Revoke(65002, "itm");
        string crl = Path.Combine(_pki.CaDir, "ca.crl");
        using var ca = PemFiles.LoadCertificate(_pki.CaCertificate);
        var list = new RevocationList(crl, ca);
        Assert.True(list.IsRevoked(credentials.Certificate));

        File.Copy(Path.Combine(otherPki.CaDir, "ca.crl"), crl, overwrite: true);
        Assert.Throws<FormatException>(() => new RevocationList(crl, ca));
        Assert.True(list.IsRevoked(credentials.Certificate)); // the forged update is not taken
        Assert.Contains("not signed by the federation CA", list.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(65003u, "itm")] // right CA and role, another AS
    [InlineData(65002u, "btm")] // right CA and AS, another role
    public async Task Server_refuses_a_valid_certificate_for_another_as_or_role(uint asNumber, string role)
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var wrong = _pki.Issue(asNumber, role);
        await using var server = EchoServer.Start(serverCredentials, [Itm2]);
        await AssertRefusedAsync(server, wrong, Itm1);

        // The configured peer is still served.
        using var right = _pki.Issue(65002, "itm");
        await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", server.LocalEndPoint.Port, Itm1, right);
        Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(client, 65002));
    }

    [Fact]
    public async Task Client_refuses_a_server_that_is_not_the_expected_peer()
    {
        using var impostor = _pki.Issue(65009, "itm");
        using var clientCredentials = _pki.Issue(65002, "itm");
        await using var server = EchoServer.Start(impostor, [Itm2]);
        var e = await Assert.ThrowsAsync<AuthenticationException>(() =>
            MessageClient.ConnectTlsAsync("127.0.0.1", server.LocalEndPoint.Port, Itm1, clientCredentials));
        Assert.Contains("AS65009/itm is not a configured peer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_refuses_an_expired_server_certificate()
    {
        using var expired = _pki.IssueExpired(Itm1);
        using var clientCredentials = _pki.Issue(65002, "itm");
        await using var server = EchoServer.Start(expired, [Itm2]);
        await Assert.ThrowsAsync<AuthenticationException>(() =>
            MessageClient.ConnectTlsAsync("127.0.0.1", server.LocalEndPoint.Port, Itm1, clientCredentials));
    }

    [Fact]
    public async Task Legacy_plain_listener_binds_to_loopback_by_default_and_serves()
    {
        var dp = new NodeIdentity(65001, NodeRole.DPoint);
        await using var listener = MessageListener.StartPlain(0, dp, (c, m, ct) => EchoServer.Answer(c, m, dp, ct));
        Assert.Equal(IPAddress.Loopback, listener.LocalEndPoint.Address);
        await using var client = await MessageClient.ConnectPlainAsync("127.0.0.1", listener.LocalEndPoint.Port, new NodeIdentity(65001, NodeRole.Client));
        Assert.IsType<HeartbeatReply>(await EchoServer.PingAsync(client, 65001));
        Assert.Null(client.RemoteIdentity);
    }

    [Fact]
    public void Issued_private_keys_are_readable_by_the_owner_only()
    {
        using var credentials = _pki.Issue(65001, "dp");
        var keys = Directory.GetFiles(Path.GetDirectoryName(_pki.CaDir)!, "*.key", SearchOption.AllDirectories);
        Assert.Equal(2, keys.Length); // the CA's and the node's
        Assert.All(keys, k => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(k)));
    }

    /// <summary>
    /// Refusal shows either as a failed handshake or, with TLS 1.3 where the client finishes
    /// before the server has judged its certificate, as a connection closed without an answer.
    /// </summary>
    private static async Task AssertRefusedAsync(MessageListener server, TlsCredentials credentials, NodeIdentity serverIdentity)
    {
        MessageConnection client;
        try
        {
            client = await MessageClient.ConnectTlsAsync("127.0.0.1", server.LocalEndPoint.Port, serverIdentity, credentials);
        }
        catch (AuthenticationException)
        {
            return;
        }
        await using (client)
        {
            InterTrackMessage? answer;
            try
            {
                answer = await EchoServer.PingAsync(client, credentials.Identity.AsNumber);
            }
            catch (IOException)
            {
                return;
            }
            if (answer is HeartbeatError refused) // a peer of the federation that is not admitted is told why
            {
                Assert.StartsWith("refused: ", refused.Error.Message, StringComparison.Ordinal);
                return;
            }
            Assert.Null(answer);
        }
    }

    [Fact]
    public async Task A_peer_of_the_federation_that_is_not_admitted_is_told_why_before_the_server_closes()
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        using var otherAs = _pki.Issue(65003, "itm");
        await using var server = EchoServer.Start(serverCredentials, [Itm2]);
        await using var client = await MessageClient.ConnectTlsAsync("127.0.0.1", server.LocalEndPoint.Port, Itm1, otherAs);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var refused = Assert.IsType<HeartbeatError>(await client.ReceiveAsync(timeout.Token));
        Assert.Equal("refused: AS65003/itm is not a configured peer", refused.Error.Message);
        Assert.Null(await client.ReceiveAsync(timeout.Token)); // then closed
    }

    [Fact]
    public async Task A_plain_tcp_client_on_the_tls_port_is_told_to_use_the_legacy_port()
    {
        using var serverCredentials = _pki.Issue(65001, "itm");
        await using var server = EchoServer.Start(serverCredentials, [Itm2]);
        await using var client = await MessageClient.ConnectPlainAsync("127.0.0.1", server.LocalEndPoint.Port, new NodeIdentity(1, NodeRole.Client));
        var answer = await EchoServer.PingAsync(client, 1);
        var refused = Assert.IsType<HeartbeatError>(answer);
        Assert.Contains("this port speaks mutual TLS", refused.Error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _pki.Dispose();
}
