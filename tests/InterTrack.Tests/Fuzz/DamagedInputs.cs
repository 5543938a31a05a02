using System.Text;
using CsCheck;

namespace InterTrack.Tests.Fuzz;

/// <summary>
/// A CsCheck generator of damaged inputs grown from valid samples: bytes flipped, cut short,
/// length fields set to anything, random or markup bytes inserted, a range repeated, two samples
/// spliced. CsCheck shrinks a failing input to a small one and reports it with its seed.
/// </summary>
internal static class DamagedInputs
{
    private static readonly byte[][] Markup = [.. new[]
    {
        "<", ">", "&", "&amp;", "&#0;", "&#xFFFF;", "\"", "'", "]]>", "<!--", "<![CDATA[", "<!DOCTYPE x [<!ENTITY a \"b\">]>", "&a;",
        "<?xml version=\"1.0\"?>", "</", "/>", "xmlns=\"\"", "\0", "\uFFFD", "\r\n",
    }.Select(Encoding.UTF8.GetBytes)];

    public static Gen<byte[]> From(IReadOnlyList<byte[]> samples) =>
        Gen.Select(Gen.Int[0, samples.Count - 1], Gen.Int[0, samples.Count - 1], Gen.Int[0, 6], Gen.Int[1, 8], Gen.UInt, Gen.Byte.Array[1, 64])
            .Select(t => Damage(samples[t.Item1], samples[t.Item2], t.Item3, t.Item4, t.Item5, t.Item6));

    private static byte[] Damage(byte[] sample, byte[] other, int how, int count, uint where, byte[] bytes)
    {
        var input = (byte[])sample.Clone();
        int At(int salt) => input.Length == 0 ? 0 : (int)((where * 2654435761u + (uint)salt * 40503u) % (uint)input.Length);
        switch (how)
        {
            case 0: // flip bytes
                for (int k = 0; k < count && input.Length > 0; k++) input[At(k)] = bytes[k % bytes.Length];
                return input;
            case 1: // cut short
                return input[..At(0)];
            case 2: // a 16- or 32-bit field set to anything (lengths, counts, offsets)
                int at = At(0);
                for (int k = 0; k < Math.Min(4, bytes.Length) && at + k < input.Length; k++) input[at + k] = bytes[k];
                return input;
            case 3: // random bytes inserted
                return [.. input[..At(0)], .. bytes, .. input[At(0)..]];
            case 4: // markup inserted (for XML; bytes like any other for binary formats)
                var markup = Markup[(int)(where % Markup.Length)];
                return [.. input[..At(1)], .. markup, .. input[At(1)..]];
            case 5: // a range repeated
                int from = At(2), length = Math.Min(bytes.Length * 4, input.Length - from);
                return [.. input[..(from + length)], .. input[from..(from + length)], .. input[(from + length)..]];
            default: // two samples spliced
                return [.. input[..At(3)], .. other[(other.Length == 0 ? 0 : (int)(where % (uint)other.Length))..]];
        }
    }

    /// <summary>How many inputs a fuzz test tries: 20,000 in the suite; INTERTRACK_FUZZ_ITERATIONS for a long run.</summary>
    public static long Iterations => long.TryParse(Environment.GetEnvironmentVariable("INTERTRACK_FUZZ_ITERATIONS"), out long n) && n > 0 ? n : 20_000;

    /// <summary>The kept corpus of a target: inputs found worth keeping (they once failed, or reached a rare outcome), replayed by every run.</summary>
    public static IEnumerable<byte[]> Corpus(string target)
    {
        string dir = Path.Combine(RepositoryPaths.Root, "tests", "InterTrack.Tests", "Fuzz", "corpus", target);
        return Directory.Exists(dir) ? Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes) : [];
    }
}
