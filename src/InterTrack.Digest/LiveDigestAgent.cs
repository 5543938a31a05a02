using InterTrack.Packets.Capture;
using InterTrack.Node.Tracing;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharpPcap;
using SharpPcap.LibPcap;

namespace InterTrack.Digest;

/// <summary>Counters of one captured interface; the kernel's drop counters come from libpcap.</summary>
public sealed record CaptureCounters(string Interface, long Frames, long Digested, uint KernelReceived, uint KernelDropped, uint InterfaceDropped);

/// <summary>
/// A live digest agent: captures interfaces with libpcap and digests every IP packet into one
/// table per interface and direction ("IF:in" for frames from another MAC, "IF:out" for frames
/// the interface sent; links without MAC addresses get one table "IF"), or, for border links given
/// by a MAC pair, into that link's table (see <see cref="FrameLinkSelector"/>). Sealed pages are
/// written to the output directory, so history survives a restart. Queries may run while capturing.
/// </summary>
public sealed class LiveDigestAgent : IDigestSource, IDisposable
{
    private readonly DigestOptions _options;
    private readonly string? _outputDirectory;
    private readonly ILogger _logger;
    private readonly Dictionary<string, DigestTable> _tables = new(StringComparer.Ordinal);
    private readonly List<InterfaceCapture> _captures = [];
    private readonly ulong _seed = BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    private readonly IReadOnlyList<BorderLink> _macPairLinks;
    private readonly System.Diagnostics.Metrics.Meter _meter = new(Node.Telemetry.NodeMetrics.MeterName);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _pagesSealed = new(StringComparer.Ordinal);

    /// <exception cref="UnknownInterfaceException">An interface libpcap does not know.</exception>
    public LiveDigestAgent(IEnumerable<string> interfaces, DigestOptions options, string? outputDirectory, ILogger? logger = null,
        IReadOnlyList<BorderLink>? macPairLinks = null)
    {
        _macPairLinks = macPairLinks ?? [];
        options.Validate();
        _options = options;
        _outputDirectory = outputDirectory;
        _logger = logger ?? NullLogger.Instance;
        var devices = LibPcapLiveDeviceList.New();
        foreach (var name in interfaces)
        {
            var device = devices.FirstOrDefault(d => d.Name == name)
                ?? throw new UnknownInterfaceException(name, [.. devices.Select(d => d.Name)]);
            _captures.Add(new InterfaceCapture(this, device));
        }
        _meter.CreateObservableCounter("intertrack.digest.packets", () => Counters().Select(c => Measure(c.Interface, c.Digested)),
            "{packet}", "IP packets digested, per interface.");
        _meter.CreateObservableCounter("intertrack.digest.frames", () => Counters().Select(c => Measure(c.Interface, c.Frames)),
            "{frame}", "Frames captured, per interface.");
        _meter.CreateObservableCounter("intertrack.digest.kernel_drops", () => Counters().Select(c => Measure(c.Interface,
            c.KernelDropped + c.InterfaceDropped)),
            "{frame}", "Frames the kernel or the interface dropped before libpcap saw them, per interface.");
        _meter.CreateObservableCounter("intertrack.digest.pages", () => _pagesSealed.Select(p =>
            new System.Diagnostics.Metrics.Measurement<long>(p.Value, new KeyValuePair<string, object?>("link", p.Key))),
            "{page}", "Digest pages sealed, per link.");
    }

    private static System.Diagnostics.Metrics.Measurement<long> Measure(string device, long value) =>
        new(value, new KeyValuePair<string, object?>("interface", device));

    public IReadOnlyCollection<string> Links
    {
        get
        {
            lock (_tables)
            {
                return [.. _tables.Keys];
            }
        }
    }

    /// <summary>Opens every interface: from here on the kernel buffers their frames for <see cref="RunAsync"/>.</summary>
    /// <exception cref="PcapException">An interface cannot be opened (not root, or gone).</exception>
    public void Open()
    {
        foreach (var capture in _captures)
        {
            capture.Open();
        }
    }

    /// <summary>Captures (opening the interfaces if <see cref="Open"/> was not called) until cancelled, then seals and saves the current pages.</summary>
    /// <exception cref="PcapException">An interface cannot be opened (not root, or gone).</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Open();
        var loops = _captures.Select(c => Task.Factory.StartNew(() => c.Loop(cancellationToken), TaskCreationOptions.LongRunning)).ToList();
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        finally
        {
            foreach (var capture in _captures)
            {
                capture.Close();
            }
            lock (_tables)
            {
                foreach (var table in _tables.Values)
                {
                    lock (table)
                    {
                        table.SealCurrent();
                    }
                }
            }
        }
    }

    public IReadOnlyList<CaptureCounters> Counters() => [.. _captures.Select(c => c.Counters())];

    public IReadOnlySet<DigestScheme> Schemes => new HashSet<DigestScheme> { _options.Scheme };

    public DigestAnswer Ask(string link, DigestKeys keys, long? atNs, TimeSpan tolerance)
    {
        DigestTable? table;
        lock (_tables)
        {
            _tables.TryGetValue(link, out table);
        }
        if (table is null)
        {
            return DigestQuery.Ask([], keys, atNs, tolerance);
        }
        lock (table)
        {
            table.Flush();
            return DigestQuery.Ask(table.Pages, keys, atNs, tolerance);
        }
    }

    private DigestTable Table(string link)
    {
        lock (_tables)
        {
            if (!_tables.TryGetValue(link, out var table))
            {
                table = new DigestTable(link, _options, _seed);
                table.PageSealed += _ => _pagesSealed.AddOrUpdate(link, 1, (_, n) => n + 1);
                if (_outputDirectory is not null)
                {
                    table.PageSealed += page => DigestPageFile.Save(page, _outputDirectory);
                }
                _tables[link] = table;
            }
            return table;
        }
    }

    public void Dispose()
    {
        _meter.Dispose();
        foreach (var capture in _captures)
        {
            capture.Close();
        }
        foreach (var table in _tables.Values)
        {
            table.Dispose();
        }
    }

    /// <summary>One interface: its device, its two tables and its counters. Only its loop thread adds.</summary>
    private sealed class InterfaceCapture(LiveDigestAgent agent, LibPcapLiveDevice device)
    {
        private readonly Dictionary<string, DigestTable> _byLink = new(StringComparer.Ordinal);
        private FrameLinkSelector? _selector;
        private long _frames, _digested;
        private ICaptureStatistics? _lastStatistics;

        public void Open()
        {
            if (device.Opened)
            {
                return;
            }
            device.Open(new DeviceConfiguration
            {
                Mode = DeviceModes.Promiscuous,
                Snaplen = 256,              // headers are all a digest needs
                ReadTimeout = 100,
                BufferSize = 64 << 20,      // kernel ring: absorbs bursts while a page is sealed
            });
            _selector = new FrameLinkSelector(device.Name, device.MacAddress?.GetAddressBytes() ?? [], agent._macPairLinks);
        }

        /// <summary>
        /// Digests frames until cancelled, then drains what the kernel still holds for us (until a
        /// read times out), so stopping loses none of the frames captured before it.
        /// </summary>
        public void Loop(CancellationToken cancellationToken)
        {
            var link = ToLinkType(device.LinkType);
            long nextSealCheck = 0;
            bool open = true;
            while (open && !cancellationToken.IsCancellationRequested)
            {
                var status = device.GetNextPacket(out var packet);
                if (Environment.TickCount64 >= nextSealCheck)
                {
                    SealEndedWindows();
                    nextSealCheck = Environment.TickCount64 + 250;
                }
                open = status != GetPacketStatus.Error && status != GetPacketStatus.NoRemainingPackets; // closed or failed: RunAsync reports by closing
                if (status == GetPacketStatus.PacketRead)
                {
                    Digest(link, packet);
                }
            }
            while (open && device.GetNextPacket(out var buffered) == GetPacketStatus.PacketRead)
            {
                Digest(link, buffered);
            }
        }

        private void Digest(LinkType link, PacketCapture packet)
        {
            _frames++;
            var data = packet.Data;
            Span<byte> key = stackalloc byte[DigestSchemes.MaxKeyLength];
            int length = agent._options.Scheme.KeyFromFrame(data, link, key);
            if (length == 0)
            {
                return;
            }
            var timeval = packet.Header.Timeval;
            long ns = (long)timeval.Seconds * 1_000_000_000 + (long)timeval.MicroSeconds * 1000;
            var table = TableFor(link, data);
            lock (table)
            {
                table.Add(key[..length], ns);
            }
            _digested++;
        }

        /// <summary>Seals the pages whose window ended, so a quiet link's last packets reach the archive without waiting for more.</summary>
        private void SealEndedWindows()
        {
            long nowNs = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
            foreach (var table in _byLink.Values)
            {
                lock (table)
                {
                    table.SealIfWindowEnded(nowNs);
                }
            }
        }

        private DigestTable TableFor(LinkType link, ReadOnlySpan<byte> frame)
        {
            string name = link == LinkType.Ethernet && frame.Length >= 12
                ? _selector!.Select(frame)
                : BorderLink.InterfaceLink(device.Name, null);
            if (!_byLink.TryGetValue(name, out var table))
            {
                _byLink[name] = table = agent.Table(name);
            }
            return table;
        }

        public CaptureCounters Counters()
        {
            try
            {
                _lastStatistics = device.Statistics ?? _lastStatistics;
            }
            catch (PcapException)
            {
                // closed: keep the last counters read
            }
            return new CaptureCounters(device.Name, _frames, _digested, _lastStatistics?.ReceivedPackets ?? 0,
                _lastStatistics?.DroppedPackets ?? 0, _lastStatistics?.InterfaceDroppedPackets ?? 0);
        }

        public void Close()
        {
            if (device.Opened)
            {
                Counters();
                device.Close();
            }
        }

        private static LinkType ToLinkType(PacketDotNet.LinkLayers layers) => (LinkType)(ushort)layers;
    }
}
