using InterTrack.Marking;

namespace InterTrack.Tests.Marking;

public sealed class DeterministicMarkingTests
{
    private static readonly uint[] Interfaces = [0xC0000201, 0xC0000202, 0xC6336401];

    [Fact]
    public void Both_halves_of_the_ingress_address_name_it_and_one_half_names_nothing()
    {
        var random = new Random(1);
        var marks = new List<(ushort, bool)>();
        while (marks.Count < 2 || marks.All(m => m.Item2) || marks.All(m => !m.Item2))
        {
            marks.Add(DeterministicMarking.Mark(Interfaces[2], random));
            if (marks.Select(m => m.Item2).Distinct().Count() == 1)
            {
                Assert.Empty(DeterministicMarking.Reconstruct(marks, Interfaces));
            }
        }
        Assert.Equal([Interfaces[2]], DeterministicMarking.Reconstruct(marks, Interfaces));
    }

    [Fact]
    public void Two_ingress_interfaces_are_both_named_from_their_packets()
    {
        var random = new Random(2);
        var marks = Enumerable.Range(0, 40).Select(i => DeterministicMarking.Mark(Interfaces[i % 2], random)).ToList();
        Assert.Equal(Interfaces[..2], DeterministicMarking.Reconstruct(marks, Interfaces).Order());
    }

    [Fact]
    public void A_downstream_dpm_domain_overwrites_every_mark_so_only_the_nearest_ingress_is_seen()
    {
        var random = new Random(3);
        // Each packet is marked by the far domain's ingress, then again by the near domain's.
        var marks = Enumerable.Range(0, 50).Select(i =>
        {
            _ = DeterministicMarking.Mark(Interfaces[0], random);
            return DeterministicMarking.Mark(Interfaces[2], random);
        }).ToList();
        Assert.Equal([Interfaces[2]], DeterministicMarking.Reconstruct(marks, Interfaces));
    }

    [Fact]
    public void Three_packets_give_both_halves_on_average()
    {
        double mean = PacketsNeeded.Deterministic(trials: 20_000, seed: 4);
        Assert.InRange(mean, 2.9, 3.1); // 1 + 2: the second half takes 2 packets on average
    }
}
