using System.Globalization;

namespace InterTrack.Node.Topology;

/// <summary>
/// CAIDA's AS-relationship text format: <c>A|B|-1</c> (A is a provider of customer B) and
/// <c>A|B|0</c> (peers); <c>#</c> starts a comment; a fourth column (the data source) may follow.
/// </summary>
public static class CaidaFormat
{
    /// <exception cref="FormatException">A malformed line; the message names its number.</exception>
    public static AsGraph Read(TextReader reader)
    {
        var graph = new AsGraph();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '#')
            {
                continue;
            }
            var fields = line.Trim().Split('|');
            if (fields.Length is < 3 or > 4
                || !uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint a) || a == 0
                || !uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint b) || b == 0
                || fields[2] is not ("-1" or "0"))
            {
                throw new FormatException($"line {lineNumber}: expected 'AS|AS|-1' or 'AS|AS|0' (optionally '|source'), got '{Shorten(line)}'");
            }
            try
            {
                if (fields[2] == "-1") graph.AddProviderCustomer(a, b);
                else graph.AddPeers(a, b);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"line {lineNumber}: {e.Message}", e);
            }
        }
        return graph;
    }

    public static AsGraph Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader);
    }

    public static void Write(AsGraph graph, TextWriter writer)
    {
        writer.WriteLine("# InterTrack AS relationships: provider|customer|-1, peer|peer|0");
        foreach (uint a in graph.Ases)
        {
            foreach (uint customer in graph.Customers(a))
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{a}|{customer}|-1"));
            }
            foreach (uint peer in graph.Peers(a).Where(p => p > a))
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{a}|{peer}|0"));
            }
        }
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
