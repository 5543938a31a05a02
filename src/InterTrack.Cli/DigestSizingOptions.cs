using System.CommandLine;
using System.Globalization;
using InterTrack.Digest;

namespace InterTrack.Cli;

/// <summary>The table options (sizing and key scheme) shared by <c>digest</c> and <c>capture</c>.</summary>
internal sealed class DigestSizingOptions
{
    private readonly Option<double> _bitsPerPacket = new("--bits-per-packet") { Description = "Bloom filter bits per packet (m/n).",
        DefaultValueFactory = _ => 16 };
    private readonly Option<int> _hashes = new("--hashes") { Description = $"Hash functions per packet (k), 1-{DigestOptions.MaxHashes}.",
        DefaultValueFactory = _ => 4 };
    private readonly Option<double> _window = new("--window") { Description = "Seconds a page covers at most.", DefaultValueFactory = _ => 60 };
    private readonly Option<long> _pagePackets = new("--page-packets") { Description = "Packets per page (n).", DefaultValueFactory = _ => 8_388_608 };
    private readonly Option<long> _memory = new("--memory-mib") { Description = "Memory for kept pages per link, MiB (the oldest go first).",
        DefaultValueFactory = _ => 1024 };
    private readonly Option<string> _hash = new("--hash")
    {
        Description = "What packets are keyed by: xxh3 (their invariant bytes) or packter-md5 (the historic Traceback Client's MD5 of them, so its " +
            "md5 requests can be traced).",
        DefaultValueFactory = _ => "xxh3",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_bitsPerPacket);
        command.Options.Add(_hashes);
        command.Options.Add(_window);
        command.Options.Add(_pagePackets);
        command.Options.Add(_memory);
        _hash.AcceptOnlyFromAmong("xxh3", "packter-md5");
        command.Options.Add(_hash);
    }

    public DigestOptions Read(ParseResult parsed)
    {
        var options = new DigestOptions
        {
            BitsPerPacket = parsed.GetValue(_bitsPerPacket),
            Hashes = parsed.GetValue(_hashes),
            Window = TimeSpan.FromSeconds(parsed.GetValue(_window)),
            PageCapacity = parsed.GetValue(_pagePackets),
            MemoryBudgetBytes = parsed.GetValue(_memory) * 1048576,
            Scheme = DigestSchemes.TryParse(parsed.GetValue(_hash), out var scheme) ? scheme : DigestScheme.Xxh3,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CommandException(string.Create(CultureInfo.InvariantCulture, $"bad table sizing: {e.ParamName} {e.Message.Split('(')[0].Trim()}"), e);
        }
        return options;
    }
}
