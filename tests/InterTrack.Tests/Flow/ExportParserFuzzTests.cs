using InterTrack.Flow;
using InterTrack.Flow.Export;

namespace InterTrack.Tests.Flow;

/// <summary>
/// Damaged exports, made by flipping, cutting and growing valid IPFIX and NetFlow v9 messages
/// with a seeded generator: the parser answers every one (a problem, or records) and never throws
/// or hangs.
/// </summary>
public class ExportParserFuzzTests
{
    [Fact]
    public void A_million_damaged_exports_never_throw_or_hang()
    {
        var seeds = new List<byte[]>(new IpfixWriter(3, templateEvery: 2).Messages([.. Enumerable.Range(0, 60).Select(i => FlowTestRecords.Udp(i))], FlowTestRecords.T0Ms));
        var v9 = (byte[])seeds[0].Clone();
        v9[1] = 9; // the same sets read as NetFlow v9: templates become flowset 2 (reserved) and data, with a 16-byte header read as 20
        seeds.Add(v9);
        var random = new Random(20261127);
        var parser = new ExportParser { MaxHeldSets = 64 };
        var output = new List<FlowRecord>();
        int problems = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            var message = (byte[])seeds[random.Next(seeds.Count)].Clone();
            switch (random.Next(4))
            {
                case 0: // flip bytes
                    for (int k = random.Next(1, 8); k > 0; k--) message[random.Next(message.Length)] = (byte)random.Next(256);
                    break;
                case 1: // cut short
                    message = message[..random.Next(message.Length)];
                    break;
                case 2: // a length field set to anything
                    int at = random.Next(Math.Max(1, message.Length - 1));
                    message[at] = (byte)random.Next(256);
                    message[Math.Min(at + 1, message.Length - 1)] = (byte)random.Next(256);
                    break;
                default: // random tail
                    var grown = new byte[message.Length + random.Next(1, 200)];
                    message.CopyTo(grown, 0);
                    random.NextBytes(grown.AsSpan(message.Length));
                    message = grown;
                    break;
            }
            output.Clear();
            problems += parser.Parse(message, (UInt128)random.Next(4), FlowTestRecords.T0Ms + i, output).Problem is null ? 0 : 1;
            if (i % 1000 == 0)
            {
                parser.Expire(FlowTestRecords.T0Ms + i + 60_000);
            }
        }
        Assert.InRange(problems, 1, 999_999); // both kinds of outcome were met
    }
}
