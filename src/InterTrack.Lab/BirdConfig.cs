using System.Globalization;
using System.Text;

namespace InterTrack.Lab;

/// <summary>
/// The BIRD 2 configuration of one router. BGP decides every route, with the policy of the
/// Internet (Gao–Rexford): a route is tagged on import with what its neighbour is to us (large
/// community LOCAL:1:0 customer, LOCAL:2:0 peer, LOCAL:3:0 provider) and preferred in that order by
/// local preference; our own prefix and our customers' routes go to everybody, peers' and
/// providers' routes only to customers (valley-free). The routers of one AS speak iBGP with
/// next-hop-self and also carry their connected subnets (loopbacks, the host's subnet).
/// </summary>
internal static class BirdConfig
{
    public static string For(LabAs labAs, LabRouter router, string logFile)
    {
        string local = labAs.Number.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $$"""
            # AS{{local}} {{router.Name}} — written by 'intertrack lab up'
            log "{{logFile}}" { info, warning, error, fatal };
            router id {{router.Loopback}};

            protocol device { scan time 2; }

            # Connected subnets (loopback, host, internal links), for iBGP only.
            protocol direct { ipv4; interface "*"; }

            # Our prefix: announced to every neighbour; unused parts of it are dropped here.
            protocol static own { ipv4; route {{labAs.Prefix}} blackhole; }

            protocol kernel { ipv4 { export where source != RTS_DEVICE; }; }

            function from_customer() { return (({{local}}, 1, 0) ~ bgp_large_community); }

            function is_own() { return proto = "own"; }

            # Only the aggregate leaves the AS: not its parts, nor the link subnets learned over iBGP.
            function own_parts() { return net ~ [ {{labAs.Prefix}}{17,32}, 172.16.0.0/12+ ]; }

            filter to_customer {
              if own_parts() then reject;
              if is_own() then accept;
              if source = RTS_BGP then accept;
              reject;
            }

            filter to_peer_or_provider {
              if own_parts() then reject;
              if is_own() then accept;
              if source = RTS_BGP && from_customer() then accept;
              reject;
            }

            template bgp neighbour_as {
              local as {{local}};
              connect delay time 1; connect retry time 2; error wait time 1, 4;
              hold time 9; keepalive time 3;
            }

            """);
        foreach (var link in router.Interfaces.Where(i => i.NeighborAs is not null))
        {
            var (tag, preference, export) = link.Relation switch
            {
                "customer" => (1, 300, "to_customer"),
                "peer" => (2, 200, "to_peer_or_provider"),
                _ => (3, 100, "to_peer_or_provider"),
            };
            text.Append(CultureInfo.InvariantCulture, $$"""
                # AS{{link.NeighborAs}} is our {{link.Relation}}
                protocol bgp as{{link.NeighborAs}} from neighbour_as {
                  neighbor {{link.PeerAddress}} as {{link.NeighborAs}};
                  ipv4 {
                    import filter {
                      bgp_large_community.delete([({{local}}, *, *)]);
                      bgp_large_community.add(({{local}}, {{tag}}, 0));
                      bgp_local_pref = {{preference}};
                      accept;
                    };
                    export filter {{export}};
                  };
                }

                """);
        }
        foreach (var link in router.Interfaces.Where(i => i.PeerRouter is not null))
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                # {{link.PeerRouter}}: the other router of our AS
                protocol bgp {{link.PeerRouter}} {
                  local as {{local}};
                  neighbor {{link.PeerAddress}} as {{local}};
                  connect delay time 1; connect retry time 2; error wait time 1, 4;
                  hold time 9; keepalive time 3;
                  ipv4 {
                    next hop self;
                    import all;
                    export where net !~ [ 127.0.0.0/8+ ];
                  };
                }

                """);
        }
        return text.ToString();
    }
}
