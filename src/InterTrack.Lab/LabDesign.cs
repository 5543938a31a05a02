using System.Net;
using System.Text.RegularExpressions;
using InterTrack.Node.Kinds;
using InterTrack.Node.Topology;

namespace InterTrack.Lab;

/// <summary>
/// Lays a topology out as a lab: which AS is the victim, which kind of traceback system each runs, which have
/// two routers, and every namespace, interface and address. Addresses: AS number i (its rank)
/// owns 10.i.0.0/16 — routers' loopbacks 10.i.0.1 and .2, the host 10.i.1.2 behind 10.i.1.1,
/// the link between its routers 10.i.2.0/30; inter-AS links are /30s from 172.16.0.0/12.
/// </summary>
internal static partial class LabDesign
{
    public static LabPlan Plan(AsGraph graph, LabOptions options, KindRegistry kinds)
    {
        if (!IdPattern().IsMatch(options.Id))
        {
            throw new LabException($"--lab: '{options.Id}': 1 to 8 lowercase letters and digits");
        }
        if (graph.Count is < 2 or > LabOptions.MaxAses)
        {
            throw new LabException($"topology: {graph.Count} ASes; a lab has 2 to {LabOptions.MaxAses}");
        }
        var ases = graph.Ases.Order().ToList();
        var chosen = Chosen(graph, options, kinds);
        if (options.Victim is { } given && !graph.Contains(given))
        {
            throw new LabException($"--victim: AS{given} is not in the topology");
        }
        uint victim = options.Victim ?? ases.Where(a => graph.Customers(a).Count == 0).DefaultIfEmpty(ases[^1]).Max();
        if (chosen.GetValueOrDefault(victim) == KindRegistry.None)
        {
            throw new LabException($"--{KindRegistry.None}: AS{victim} is the victim's AS, which runs the D Point and a traceback system");
        }
        // The transit AS with two routers: the best connected one that runs the default kind, so its DTM has an inside to trace.
        uint? twoRouters = ases.Where(a => a != victim && graph.Customers(a).Count > 0 && !chosen.ContainsKey(a))
            .OrderByDescending(graph.Degree).ThenBy(a => a).Select(a => (uint?)a).FirstOrDefault();
        var random = new Random(options.Seed);
        var candidates = ases.Where(a => a != victim && a != twoRouters && !chosen.ContainsKey(a)).ToList();
        int drawable = candidates.Count;
        foreach (var kind in kinds.InLab.Skip(1).Where(k => !options.Systems.ContainsKey(k.Name)))
        {
            double share = options.Shares.GetValueOrDefault(kind.Name, kind.Lab!.DefaultShare);
            int count = (int)Math.Round(share * drawable, MidpointRounding.AwayFromZero);
            foreach (uint a in candidates.OrderBy(_ => random.Next()).Take(count).ToList())
            {
                chosen[a] = kind.Name;
                candidates.Remove(a);
            }
        }

        var index = ases.Select((a, i) => (a, i + 1)).ToDictionary(p => p.a, p => p.Item2);
        var interfaces = ases.ToDictionary(a => a, a => new List<LabInterface>[a == victim || a == twoRouters ? 2 : 1]);
        foreach (var lists in interfaces.Values)
        {
            for (int r = 0; r < lists.Length; r++)
            {
                lists[r] = [];
            }
        }
        int link = 0;
        foreach (uint a in ases)
        {
            foreach (uint b in graph.Neighbors(a).Where(b => b > a).Order())
            {
                uint block = 0xAC100000u + 4u * (uint)link++;
                string addressA = Address(block + 1), addressB = Address(block + 2);
                int routerA = RouterFor(a, b, victim, graph, interfaces[a].Length), routerB = RouterFor(b, a, victim, graph, interfaces[b].Length);
                interfaces[a][routerA].Add(new LabInterface($"r{routerA + 1}-as{b}", $"{addressA}/30", addressB, b, Relation(graph, a, b)));
                interfaces[b][routerB].Add(new LabInterface($"r{routerB + 1}-as{a}", $"{addressB}/30", addressA, a, Relation(graph, b, a)));
            }
        }
        var labAses = new List<LabAs>();
        foreach (uint a in ases)
        {
            int i = index[a];
            var lists = interfaces[a];
            if (lists.Length == 2)
            {
                lists[0].Add(new LabInterface("r1-r2", $"10.{i}.2.1/30", $"10.{i}.2.2", PeerRouter: "r2"));
                lists[1].Add(new LabInterface("r2-r1", $"10.{i}.2.2/30", $"10.{i}.2.1", PeerRouter: "r1"));
            }
            int last = lists.Length;
            lists[^1].Add(new LabInterface($"r{last}-host", $"10.{i}.1.1/24", $"10.{i}.1.2", ToHost: true));
            var routers = lists.Select((l, r) => new LabRouter($"r{r + 1}", $"{options.Id}-as{a}-r{r + 1}", $"10.{i}.0.{r + 1}", l)).ToList();
            labAses.Add(new LabAs(a, i, chosen.GetValueOrDefault(a, kinds.InLab[0].Name), routers, $"{options.Id}-as{a}-h", $"10.{i}.1.2"));
        }
        var attackers = ases.Where(a => a != victim && graph.Customers(a).Count == 0)
            .Concat(ases.Where(a => a != victim && graph.Customers(a).Count > 0))
            .Take(Math.Max(1, options.Attackers)).ToList();
        return new LabPlan(options.Id, Path.GetFullPath(options.Directory), victim, labAses, attackers);
    }

    /// <summary>The ASes told what to run, checked: every kind one the lab deploys, every AS in the topology and told once.</summary>
    private static Dictionary<uint, string> Chosen(AsGraph graph, LabOptions options, KindRegistry kinds)
    {
        var known = kinds.InLab.Select(k => k.Name).Append(KindRegistry.None).ToList();
        var chosen = new Dictionary<uint, string>();
        foreach (var (name, list) in options.Systems)
        {
            if (!known.Contains(name))
            {
                throw new LabException($"--{name}: not a kind of traceback system the lab deploys ({string.Join(", ", known)})");
            }
            foreach (uint a in list)
            {
                if (!graph.Contains(a))
                {
                    throw new LabException($"--{name}: AS{a} is not in the topology");
                }
                if (chosen.TryGetValue(a, out var other) && other != name)
                {
                    throw new LabException($"--{name}: AS{a} is also given --{other}; an AS runs one system");
                }
                chosen[a] = name;
            }
        }
        var drawn = known.Skip(1).SkipLast(1).ToList(); // not the first kind (the rest run it), not none
        foreach (var (name, share) in options.Shares)
        {
            if (!drawn.Contains(name))
            {
                throw new LabException($"--share: {name}: not a kind the lab draws ({string.Join(", ", drawn)}; " +
                    $"the ASes not drawn run {known[0]})");
            }
            if (share is < 0 or > 1 || double.IsNaN(share))
            {
                throw new LabException($"--share: {name}={share.ToString(System.Globalization.CultureInfo.InvariantCulture)}: must be from 0 to 1");
            }
            if (options.Systems.ContainsKey(name))
            {
                throw new LabException($"--share: {name}: its ASes are named with --{name}; give one or the other");
            }
        }
        double total = kinds.InLab.Skip(1).Where(k => !options.Systems.ContainsKey(k.Name))
            .Sum(k => options.Shares.GetValueOrDefault(k.Name, k.Lab!.DefaultShare));
        if (total > 1)
        {
            throw new LabException($"--share: the shares add up to {total.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}, more than 1");
        }
        return chosen;
    }

    /// <summary>
    /// Which router of <paramref name="self"/> the link to <paramref name="neighbor"/> ends on: the
    /// first, except in a transit AS with two routers, whose neighbours alternate between them
    /// (so traffic crossing it can enter at one router and leave at the other).
    /// </summary>
    private static int RouterFor(uint self, uint neighbor, uint victim, AsGraph graph, int routers)
    {
        if (routers == 1 || self == victim)
        {
            return 0;
        }
        var neighbors = graph.Neighbors(self).Order().ToList();
        return neighbors.IndexOf(neighbor) % 2;
    }

    private static string Relation(AsGraph graph, uint self, uint neighbor) =>
        graph.Customers(self).Contains(neighbor) ? "customer" : graph.Providers(self).Contains(neighbor) ? "provider" : "peer";

    private static string Address(uint value) => new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]).ToString();

    [GeneratedRegex("^[a-z0-9]{1,8}$")]
    private static partial Regex IdPattern();
}
