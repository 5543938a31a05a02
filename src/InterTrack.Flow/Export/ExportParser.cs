using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace InterTrack.Flow.Export;

/// <summary>
/// What one export message gave: records decoded, data sets held for a template not yet seen, the first problem met (null: none),
/// and the data records its own data sets held (options records and records without addresses too: what IPFIX's sequence counts).
/// </summary>
internal readonly record struct ParseOutcome(int Records, int HeldSets, ExportProblem? Problem, int DataRecords = 0);

/// <summary>
/// Decodes IPFIX (RFC 7011) and NetFlow v9 (RFC 3954) export messages into flow records. Keeps
/// templates per exporter, observation domain (v9: source id) and template id, and forgets those
/// not resent within <see cref="TemplateLifetime"/>. A data set whose template is unknown is held
/// (at most <see cref="MaxHeldSets"/>) until its template comes or <see cref="HoldTime"/> passes,
/// then counted as <see cref="ExportProblem.TemplateMissing"/>. Options records give the
/// exporter's system init time (element 160, the base of IPFIX sysUpTime times) and sampling
/// (34, or 305/306). Every length is checked against the message: bad input is a problem
/// reported, never an exception. Not thread-safe: one parser per receiving loop.
/// </summary>
public sealed class ExportParser
{
    private readonly Dictionary<(UInt128 Exporter, uint Domain, ushort Id, byte Version), Template> _templates = [];
    private readonly Dictionary<(UInt128 Exporter, uint Domain), DomainState> _domains = [];
    private readonly List<HeldSet> _held = [];

    public TimeSpan TemplateLifetime { get; init; } = TimeSpan.FromMinutes(30);
    public TimeSpan HoldTime { get; init; } = TimeSpan.FromSeconds(10);
    public int MaxHeldSets { get; init; } = 1024;

    public int TemplateCount => _templates.Count;

    /// <param name="exporter">The exporter's address (IPv4-mapped for IPv4), as the transport saw it.</param>
    /// <param name="nowMs">The collector's clock, ms since the epoch (for template and hold expiry).</param>
    /// <param name="records">Where decoded records are added.</param>
    internal ParseOutcome Parse(ReadOnlySpan<byte> message, UInt128 exporter, long nowMs, List<FlowRecord> records)
    {
        if (message.Length < 2)
        {
            return new(0, 0, ExportProblem.Truncated);
        }
        ushort version = BinaryPrimitives.ReadUInt16BigEndian(message);
        return version switch
        {
            10 => ParseIpfix(message, exporter, nowMs, records),
            9 => ParseV9(message, exporter, nowMs, records),
            _ => new(0, 0, ExportProblem.UnknownVersion),
        };
    }

    /// <summary>Drops templates past their lifetime and held sets past the hold time; returns the exporters of the sets dropped.</summary>
    public List<UInt128> Expire(long nowMs)
    {
        long lifetime = (long)TemplateLifetime.TotalMilliseconds;
        foreach (var key in _templates.Where(t => nowMs - t.Value.ReceivedMs > lifetime).Select(t => t.Key).ToList())
        {
            _templates.Remove(key);
        }
        var dropped = new List<UInt128>();
        long hold = (long)HoldTime.TotalMilliseconds;
        _held.RemoveAll(h =>
        {
            bool old = nowMs - h.HeldMs > hold;
            if (old) dropped.Add(h.Context.Exporter);
            return old;
        });
        return dropped;
    }

    private ParseOutcome ParseIpfix(ReadOnlySpan<byte> message, UInt128 exporter, long nowMs, List<FlowRecord> records)
    {
        if (message.Length < 16)
        {
            return new(0, 0, ExportProblem.Truncated);
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if (length < 16)
        {
            return new(0, 0, ExportProblem.Malformed);
        }
        if (length > message.Length)
        {
            return new(0, 0, ExportProblem.Truncated);
        }
        var context = new MessageContext(exporter, BinaryPrimitives.ReadUInt32BigEndian(message[12..]), 10,
            BinaryPrimitives.ReadUInt32BigEndian(message[4..]) * 1000L, UptimeBaseMs: null);
        return ParseSets(message[16..length], context, nowMs, records);
    }

    private ParseOutcome ParseV9(ReadOnlySpan<byte> message, UInt128 exporter, long nowMs, List<FlowRecord> records)
    {
        if (message.Length < 20)
        {
            return new(0, 0, ExportProblem.Truncated);
        }
        long sysUptime = BinaryPrimitives.ReadUInt32BigEndian(message[4..]);
        long unixMs = BinaryPrimitives.ReadUInt32BigEndian(message[8..]) * 1000L;
        var context = new MessageContext(exporter, BinaryPrimitives.ReadUInt32BigEndian(message[16..]), 9, unixMs, unixMs - sysUptime);
        return ParseSets(message[20..], context, nowMs, records); // v9 has no message length: sets run to the datagram's end
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private ParseOutcome ParseSets(ReadOnlySpan<byte> sets, MessageContext context, long nowMs, List<FlowRecord> records)
    {
        int before = records.Count, held = 0, read = 0;
        ExportProblem? problem = null;
        while (sets.Length >= 4)
        {
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(sets);
            int length = BinaryPrimitives.ReadUInt16BigEndian(sets[2..]);
            if (length < 4)
            {
                problem ??= ExportProblem.Malformed;
                break;
            }
            if (length > sets.Length)
            {
                problem ??= ExportProblem.Truncated;
                break;
            }
            var body = sets[4..length];
            sets = sets[length..];
            bool ipfix = context.Version == 10;
            if (id == (ipfix ? 2 : 0))
            {
                problem ??= ReadTemplates(body, context, options: false, nowMs, records);
            }
            else if (id == (ipfix ? 3 : 1))
            {
                problem ??= ReadTemplates(body, context, options: true, nowMs, records);
            }
            else if (id >= 256)
            {
                if (_templates.TryGetValue((context.Exporter, context.Domain, id, context.Version), out var template))
                {
                    problem ??= ReadData(body, template, context, records, ref read);
                }
                else if (_held.Count < MaxHeldSets)
                {
                    _held.Add(new HeldSet(context, id, body.ToArray(), nowMs));
                    held++;
                }
                else
                {
                    problem ??= ExportProblem.TemplateMissing;
                }
            }
            // Set ids 4–255 are reserved: skipped, as RFC 7011 says.
        }
        return new(records.Count - before, held, problem, read);
    }

    private ExportProblem? ReadTemplates(ReadOnlySpan<byte> body, MessageContext context, bool options, long nowMs, List<FlowRecord> records)
    {
        bool ipfix = context.Version == 10;
        while (body.Length >= 4)
        {
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(body);
            int count = BinaryPrimitives.ReadUInt16BigEndian(body[2..]);
            body = body[4..];
            int scope = 0;
            if (ipfix && count == 0)
            {
                if (id == (options ? 3 : 2)) _templates.Keys.Where(k => k.Exporter == context.Exporter
                    && k.Domain == context.Domain).ToList().ForEach(k => _templates.Remove(k));
                else _templates.Remove((context.Exporter, context.Domain, id, context.Version)); // withdrawal
                continue;
            }
            if (options)
            {
                if (ipfix)
                {
                    if (body.Length < 2) return ExportProblem.Truncated;
                    scope = BinaryPrimitives.ReadUInt16BigEndian(body);
                    body = body[2..];
                    if (scope == 0 || scope > count) return ExportProblem.Malformed;
                }
                else
                {
                    // v9 options template: scope and option lengths in bytes, 4 bytes per field.
                    int scopeBytes = count, optionBytes = body.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(body) : -1;
                    if (optionBytes < 0) return ExportProblem.Truncated;
                    body = body[2..];
                    if (scopeBytes % 4 != 0 || optionBytes % 4 != 0) return ExportProblem.Malformed;
                    scope = scopeBytes / 4;
                    count = scope + optionBytes / 4;
                    if (scope == 0) scope = 1; // a v9 options template without scope still is one
                }
            }
            if (id < 256 || count == 0)
            {
                return ExportProblem.Malformed; // a template must describe at least one field, or its records would take no room
            }
            var fields = new List<TemplateField>(count);
            for (int i = 0; i < count; i++)
            {
                if (body.Length < 4) return ExportProblem.Truncated;
                ushort element = BinaryPrimitives.ReadUInt16BigEndian(body);
                ushort length = BinaryPrimitives.ReadUInt16BigEndian(body[2..]);
                body = body[4..];
                uint enterprise = 0;
                if (ipfix && (element & 0x8000) != 0)
                {
                    if (body.Length < 4) return ExportProblem.Truncated;
                    enterprise = BinaryPrimitives.ReadUInt32BigEndian(body);
                    body = body[4..];
                    element &= 0x7FFF;
                }
                if (length == 0 || (!ipfix && length == TemplateField.Variable)) return ExportProblem.Malformed;
                fields.Add(new TemplateField(element, enterprise, length));
            }
            var key = (context.Exporter, context.Domain, id, context.Version);
            _templates[key] = new Template([.. fields], options ? scope : 0, nowMs);
            Release(key, records);
        }
        return null; // fewer than 4 bytes left: padding
    }

    /// <summary>Decodes the data sets held for a template that has now come.</summary>
    private void Release((UInt128 Exporter, uint Domain, ushort Id, byte Version) key, List<FlowRecord> records)
    {
        var template = _templates[key];
        for (int i = 0; i < _held.Count; i++)
        {
            var h = _held[i];
            if (h.Context.Exporter == key.Exporter && h.Context.Domain == key.Domain && h.TemplateId == key.Id && h.Context.Version == key.Version)
            {
                int read = 0;
                ReadData(h.Body, template, h.Context, records, ref read);
                _held.RemoveAt(i--);
            }
        }
    }

    /// <param name="read">Counts the data records read, stored or not.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private ExportProblem? ReadData(ReadOnlySpan<byte> body, Template template, MessageContext context, List<FlowRecord> records, ref int read)
    {
        var domain = Domain(context);
        while (body.Length >= template.MinRecordLength)
        {
            int before = body.Length;
            var record = new FlowRecord { SamplingInterval = domain.Sampling, Exporter = context.Exporter, ObservationDomain = context.Domain };
            var times = new RecordTimes();
            var fields = template.Fields;
            for (int i = 0; i < fields.Length; i++)
            {
                var field = fields[i];
                int length = field.Length;
                if (length == TemplateField.Variable)
                {
                    if (body.Length < 1) return ExportProblem.Truncated;
                    length = body[0];
                    body = body[1..];
                    if (length == 255)
                    {
                        if (body.Length < 2) return ExportProblem.Truncated;
                        length = BinaryPrimitives.ReadUInt16BigEndian(body);
                        body = body[2..];
                    }
                }
                if (length > body.Length) return ExportProblem.Truncated;
                if (field.Enterprise == 0)
                {
                    Apply(field.Id, body[..length], ref record, ref times, domain);
                }
                body = body[length..];
            }
            if (body.Length == before)
            {
                return ExportProblem.Malformed; // a record that took no bytes would never end
            }
            read++;
            if (template.IsOptions)
            {
                continue; // options records only set the domain's state (Apply did)
            }
            if (record.IpVersion == 0)
            {
                continue; // no IP addresses: a layer-2 or aggregate record, nothing a packet can match
            }
            (record.StartMs, record.EndMs) = times.Resolve(context, domain);
            records.Add(record);
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private static void Apply(ushort id, ReadOnlySpan<byte> value, ref FlowRecord record, ref RecordTimes times, DomainState domain)
    {
        switch (id)
        {
            case 1: record.Octets = Unsigned(value); break;
            case 2: record.Packets = Unsigned(value); break;
            case 4: record.Protocol = (byte)Unsigned(value); break;
            case 5: record.Tos = (byte)Unsigned(value); break;
            case 7: record.SourcePort = (ushort)Unsigned(value); break;
            case 11: record.DestinationPort = (ushort)Unsigned(value); break;
            case 10: record.IngressInterface = (uint)Unsigned(value); break;
            case 14: record.EgressInterface = (uint)Unsigned(value); break;
            case 8 when value.Length == 4: record.Source = FlowRecord.Address(value); record.IpVersion = 4; break;
            case 12 when value.Length == 4: record.Destination = FlowRecord.Address(value); break;
            case 27 when value.Length == 16: record.Source = FlowRecord.Address(value); record.IpVersion = 6; break;
            case 28 when value.Length == 16: record.Destination = FlowRecord.Address(value); break;
            case 32 or 139 when record.DestinationPort == 0: record.DestinationPort = (ushort)Unsigned(value); break; // ICMP type and code
            case 22: times.StartUptime = (long)Unsigned(value); break;
            case 21: times.EndUptime = (long)Unsigned(value); break;
            case 150: times.StartMs ??= (long)Unsigned(value) * 1000; break;
            case 151: times.EndMs ??= (long)Unsigned(value) * 1000; break;
            case 152: times.StartMs = (long)Unsigned(value); break;
            case 153: times.EndMs = (long)Unsigned(value); break;
            case 154 or 156 when value.Length == 8: times.StartMs = NtpMs(value); break;
            case 155 or 157 when value.Length == 8: times.EndMs = NtpMs(value); break;
            case 158: times.StartDeltaUs = (long)Unsigned(value); break;
            case 159: times.EndDeltaUs = (long)Unsigned(value); break;
            case 160: domain.SystemInitMs = (long)Unsigned(value); times.SystemInitMs = domain.SystemInitMs; break;
            case 34 or 50: domain.Sampling = Math.Max(1u, (uint)Unsigned(value)); record.SamplingInterval = domain.Sampling; break;
            case 305: domain.PacketInterval = (uint)Unsigned(value); domain.UpdateSampling(); record.SamplingInterval = domain.Sampling; break;
            case 306: domain.PacketSpace = (uint)Unsigned(value); domain.UpdateSampling(); record.SamplingInterval = domain.Sampling; break;
        }
    }

    /// <summary>An unsigned integer in network order, in its full or reduced-size encoding (RFC 7011 §6.2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private static ulong Unsigned(ReadOnlySpan<byte> value)
    {
        switch (value.Length)
        {
            case 1: return value[0];
            case 2: return BinaryPrimitives.ReadUInt16BigEndian(value);
            case 4: return BinaryPrimitives.ReadUInt32BigEndian(value);
            case 8: return BinaryPrimitives.ReadUInt64BigEndian(value);
        }
        ulong v = 0;
        foreach (byte b in value.Length > 8 ? value[^8..] : value)
        {
            v = v << 8 | b;
        }
        return v;
    }

    /// <summary>NTP timestamp (seconds since 1900, 32-bit fraction) to ms since 1970.</summary>
    private static long NtpMs(ReadOnlySpan<byte> value)
    {
        long seconds = BinaryPrimitives.ReadUInt32BigEndian(value) - 2_208_988_800L;
        long fraction = BinaryPrimitives.ReadUInt32BigEndian(value[4..]);
        return seconds * 1000 + (fraction * 1000 >> 32);
    }

    private DomainState Domain(MessageContext context)
    {
        var key = (context.Exporter, context.Domain);
        return _domains.TryGetValue(key, out var state) ? state : _domains[key] = new DomainState();
    }

    /// <summary>What the header of the message a set came in says, needed to decode it (also later, when held).</summary>
    private readonly record struct MessageContext(UInt128 Exporter, uint Domain, byte Version, long ExportMs, long? UptimeBaseMs);

    private sealed record HeldSet(MessageContext Context, ushort TemplateId, byte[] Body, long HeldMs);

    /// <summary>Per exporter and observation domain: what its options records said.</summary>
    private sealed class DomainState
    {
        public long? SystemInitMs;
        public uint Sampling = 1;
        public uint PacketInterval;
        public uint PacketSpace;

        public void UpdateSampling() => Sampling = PacketInterval == 0 ? 1 : (PacketInterval + PacketSpace) / PacketInterval;
    }

    /// <summary>The time fields of one record, resolved to ms since the epoch once all are read.</summary>
    private struct RecordTimes
    {
        public long? StartMs, EndMs, StartUptime, EndUptime, StartDeltaUs, EndDeltaUs, SystemInitMs;

        public readonly (long Start, long End) Resolve(MessageContext context, DomainState domain)
        {
            long? start = StartMs, end = EndMs;
            // sysUpTime times: v9 takes the base from its header, IPFIX from systemInitTimeMilliseconds.
            // Without either, the flow is placed to end at the export time, its duration kept.
            long? uptimeBase = context.UptimeBaseMs ?? SystemInitMs ?? domain.SystemInitMs;
            if (uptimeBase is { } b)
            {
                start ??= StartUptime + b;
                end ??= EndUptime + b;
            }
            else if (StartUptime is { } su && EndUptime is { } eu)
            {
                end ??= context.ExportMs;
                start ??= end - (eu - su);
            }
            start ??= context.ExportMs - StartDeltaUs / 1000;
            end ??= context.ExportMs - EndDeltaUs / 1000;
            return (start ?? end ?? context.ExportMs, end ?? start ?? context.ExportMs);
        }
    }
}
