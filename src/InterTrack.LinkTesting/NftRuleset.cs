using System.Globalization;

namespace InterTrack.LinkTesting;

/// <summary>
/// The input-debugging filter installed on a router: nftables sets that count, per interface and
/// direction, the packets of each signature (destination, protocol, destination port — 0 for
/// protocols without ports) and forget a signature once it has not been seen for the window, so a
/// router keeps only what crosses it now. One table of its own, replaced atomically.
/// </summary>
internal static class NftRuleset
{
    public const string Table = "intertrack_linktest";

    /// <summary>The set names: address family and direction ("in4" counts by input interface, "out6" by output interface, …).</summary>
    public static IReadOnlyList<string> Sets { get; } = ["in4", "out4", "in6", "out6"];

    /// <summary>The script for <c>nft -f -</c>: creates the table, or replaces it with empty counters.</summary>
    public static string For(TimeSpan window)
    {
        string timeout = $"{Math.Max(1, (long)Math.Ceiling(window.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s";
        var script = new System.Text.StringBuilder();
        // "add" then "delete" makes the replacement work whether or not the table exists, in one transaction.
        script.AppendLine($"add table inet {Table}");
        script.AppendLine($"delete table inet {Table}");
        script.AppendLine($"table inet {Table} {{");
        foreach (var (set, ip, ifname) in new[] { ("in4", "ip", "iifname"), ("out4", "ip", "oifname"), ("in6", "ip6", "iifname"), ("out6", "ip6", "oifname") })
        {
            script.AppendLine($"  set {set} {{ typeof {ip} daddr . meta l4proto . th dport . meta {ifname}; flags dynamic, timeout; timeout " +
                $"{timeout}; size 65536; counter; }}");
        }
        foreach (var (chain, hook, priority, direction, ifname) in new[] { ("count_in", "prerouting", -300, "in", "iifname"),
            ("count_out", "postrouting", 300, "out", "oifname") })
        {
            script.AppendLine($"  chain {chain} {{");
            script.AppendLine($"    type filter hook {hook} priority {priority.ToString(CultureInfo.InvariantCulture)}; policy accept;");
            foreach (var (family, ip) in new[] { ("ipv4", "4"), ("ipv6", "6") })
            {
                string daddr = ip == "4" ? "ip daddr" : "ip6 daddr";
                script.AppendLine($"    meta nfproto {family} meta l4proto {{ tcp, udp }} update @{direction}{ip} {{ {daddr} . meta l4proto . " +
                    $"th dport . meta {ifname} }}");
                script.AppendLine($"    meta nfproto {family} meta l4proto != {{ tcp, udp }} update @{direction}{ip} {{ {daddr} . meta " +
                    $"l4proto . 0 . meta {ifname} }}");
            }
            script.AppendLine("  }");
        }
        script.AppendLine("}");
        return script.ToString();
    }
}
