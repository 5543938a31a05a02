namespace InterTrack.Cli;

/// <summary>The known name a mistyped option or command most likely meant, for "did you mean".</summary>
internal static class ClosestName
{
    /// <summary>
    /// The nearest of <paramref name="known"/> by Damerau–Levenshtein distance (a swap of two
    /// neighbouring letters counts one), ignoring case: within 1 edit for names of 3–4 letters,
    /// 2 from 5 letters on (shorter names are too close to everything). Failing that, the one
    /// known name the typed one starts or is the start of (<c>--pc</c>, <c>--pcapfile</c> for
    /// <c>--pcap</c>). Null when nothing is near enough, or several prefixes fit equally.
    /// </summary>
    public static string? Of(string typed, IEnumerable<string> known)
    {
        var names = known.Distinct(StringComparer.Ordinal).ToList();
        int letters = typed.TrimStart('-').Length;
        int allowed = letters >= 5 ? 2 : letters >= 3 ? 1 : 0;
        var nearest = names
            .Select(name => (Name: name, Distance: Distance(typed.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        if (nearest.Name is not null)
        {
            return nearest.Name;
        }
        var prefixes = names
            .Where(name => name.TrimStart('-').Length >= 2 && letters >= 2
                && (name.StartsWith(typed, StringComparison.OrdinalIgnoreCase) || typed.StartsWith(name, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return prefixes.Count == 1 ? prefixes[0] : null;
    }

    /// <summary>Edits (insert, delete, replace, swap of neighbours) from <paramref name="a"/> to <paramref name="b"/>.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
