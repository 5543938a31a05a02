using InterTrack.Packets.Capture;

namespace InterTrack.Digest;

/// <summary>What digesting a capture did.</summary>
public sealed record DigestRun(long Packets, long Digested, long NotIp, IReadOnlyList<string> PageFiles, CaptureFormatException? Damage);

/// <summary>
/// Digests every IP packet of a capture file into one table per capture interface and writes the
/// pages to a directory. A damaged file still has everything before the damage digested and saved.
/// </summary>
public static class CaptureDigester
{
    /// <param name="link">Link name for the pages; with several pcapng interfaces, interface N is "link.ifN" (N ≥ 1).</param>
    public static DigestRun Run(string capturePath, string outputDirectory, string link, DigestOptions options)
    {
        var tables = new Dictionary<int, DigestTable>();
        var files = new List<string>();
        long packets = 0, digested = 0, notIp = 0;
        CaptureFormatException? damage = null;
        Span<byte> key = stackalloc byte[DigestSchemes.MaxKeyLength];
        ulong seed = BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        try
        {
            using var reader = CaptureReader.Open(capturePath);
            DigestTable? last = null;
            int lastInterface = -1;
            try
            {
                while (reader.TryRead(out var packet))
                {
                    packets++;
                    int length = options.Scheme.KeyFromFrame(packet.Data, packet.LinkType, key);
                    if (length == 0)
                    {
                        notIp++;
                        continue;
                    }
                    if (packet.InterfaceId != lastInterface)
                    {
                        lastInterface = packet.InterfaceId;
                        if (!tables.TryGetValue(lastInterface, out last))
                        {
                            string name = lastInterface == 0 ? link : $"{link}.if{lastInterface}";
                            tables[lastInterface] = last = new DigestTable(name, options, seed);
                            last.PageSealed += page => files.Add(DigestPageFile.Save(page, outputDirectory));
                        }
                    }
                    last!.Add(key[..length], packet.TimestampNs);
                    digested++;
                }
            }
            catch (CaptureFormatException e)
            {
                damage = e;
            }
            foreach (var table in tables.Values)
            {
                table.SealCurrent();
            }
        }
        finally
        {
            foreach (var table in tables.Values)
            {
                table.Dispose();
            }
        }
        return new DigestRun(packets, digested, notIp, files, damage);
    }
}
