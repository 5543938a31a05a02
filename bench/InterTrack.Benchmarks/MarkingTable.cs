using System.Globalization;
using InterTrack.Marking;

namespace InterTrack.Benchmarks;

/// <summary>docs/evaluation.md's packets-needed table: edge sampling (p = 1/25) by path length, and DPM, simulated beside the papers' expectations.</summary>
internal static class MarkingTable
{
    public static void Print(TextWriter output)
    {
        const double P = 1.0 / 25;
        const int Trials = 50;
        output.WriteLine("| marking routers d | ln d / (p(1−p)^(d−1)) | k ln(kd) / (p(1−p)^(d−1)), k = 8 | every fragment arrived " +
            "(mean) | path rebuilt (mean) |");
        output.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (int d in new[] { 2, 3, 5, 10, 15, 20, 25 })
        {
            var (collected, rebuilt) = PacketsNeeded.EdgeSampling(d, P, Trials, seed: d);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {d} | {PacketsNeeded.Bound(d, P):N0} | {PacketsNeeded.FragmentBound(d, P):N0} | {collected:N0} | {rebuilt:N0} |"));
        }
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"DPM: both halves of the ingress address after {PacketsNeeded.Deterministic(100_000, 1):F2} packets on average (expected 3), over " +
            $"100,000 simulated attacks."));
    }
}
