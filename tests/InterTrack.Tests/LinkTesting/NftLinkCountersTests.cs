using System.Net;
using InterTrack.LinkTesting;
using InterTrack.Node.Tracing;

namespace InterTrack.Tests.LinkTesting;

public sealed class NftLinkCountersTests
{
    // What 'nft -j -n list table' printed on a router (nftables 1.0.6) 3 s after the last matching packets.
    private const string Listing = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
         {"table": {"family": "inet", "name": "intertrack_linktest", "handle": 2}},
         {"set": {"family": "inet", "name": "in4", "table": "intertrack_linktest", "type": ["ipv4_addr", "inet_proto", "inet_service", "ifname"],
           "handle": 2, "size": 65536, "flags": ["timeout"], "timeout": 10, "elem": [
           {"elem": {"val": {"concat": ["192.0.2.7", 1, 0, "eth0"]}, "expires": 7, "counter": {"packets": 3, "bytes": 174}}},
           {"elem": {"val": {"concat": ["192.0.2.7", 17, 53, "eth1"]}, "expires": 7, "counter": {"packets": 40, "bytes": 2400}}}]}},
         {"set": {"family": "inet", "name": "out6", "table": "intertrack_linktest", "type": ["ipv6_addr", "inet_proto", "inet_service", "ifname"],
           "handle": 5, "size": 65536, "flags": ["timeout"], "timeout": 10, "elem": [
           {"elem": {"val": {"concat": ["2001:db8:1::7", 6, 443, "eth2"]}, "expires": 9, "counter": {"packets": 2, "bytes": 120}}}]}},
         {"chain": {"family": "inet", "table": "intertrack_linktest", "name": "count_in", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -300,
         "policy": "accept"}}]}
        """;

    [Fact]
    public void A_listing_reads_as_counters_per_interface_direction_and_signature_with_the_time_of_the_last_packet()
    {
        var now = DateTimeOffset.UtcNow;
        long nowNs = (now - DateTimeOffset.UnixEpoch).Ticks * 100;
        var counters = new Dictionary<(string, AttackSignature), (long, long)>();

        NftLinkCounters.Parse(Listing, now, counters);

        var dns = new AttackSignature(IPAddress.Parse("192.0.2.7"), 17, 53);
        Assert.Equal((40L, nowNs - 3_000_000_000L), counters[("eth1:in", dns)]);
        Assert.Equal(3L, counters[("eth0:in", new AttackSignature(IPAddress.Parse("192.0.2.7"), 1, 0))].Item1);
        Assert.Equal((2L, nowNs - 1_000_000_000L), counters[("eth2:out", new AttackSignature(IPAddress.Parse("2001:db8:1::7"), 6, 443))]);
        Assert.False(counters.ContainsKey(("eth1:out", dns)));
        Assert.Equal(3, counters.Count);
    }
}
