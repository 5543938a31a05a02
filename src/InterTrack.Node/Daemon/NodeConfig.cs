using System.Text.Json;
using System.Text.Json.Serialization;
using InterTrack.Node.Kinds;

namespace InterTrack.Node.Daemon;

/// <summary>
/// The configuration of one AS's InterTrack node: which roles run in this process and how they
/// reach each other (docs/configuration.md). Relative paths are relative to the file.
/// </summary>
public sealed record NodeConfig
{
    [JsonPropertyName("as")] public uint As { get; init; }
    /// <summary>The federation CA certificate (PEM).</summary>
    public string Ca { get; init; } = "";
    /// <summary>Directory of this AS's node certificates as 'pki issue' names them: asN-role.crt and asN-role.key.</summary>
    public string Certificates { get; init; } = "";

    /// <summary>The federation's CRL; default <c>ca.crl</c> beside <see cref="Ca"/>, used when it exists (or appears later).</summary>
    public string? Crl { get; init; }
    // Only this project reads the managers' sections; JsonInclude binds them although they are internal.
    [JsonInclude] internal ItmConfig? Itm { get; init; }
    [JsonInclude] internal BtmConfig? Btm { get; init; }
    [JsonInclude] internal DtmConfig? Dtm { get; init; }
    [JsonPropertyName("dp")] public DPointConfig? DPoint { get; init; }
    public RidConfig? Rid { get; init; }
    public TelemetryConfig? Telemetry { get; init; }
    public WebConfig? Web { get; init; }
    /// <summary>On SIGTERM, how long answers in flight may take before the D Point fails its traces still running.</summary>
    public double ShutdownGraceSeconds { get; init; } = 10;

    /// <summary>
    /// The kinds' sections (<see cref="INodeKind.Section"/>) as the file has them, until they are bound into
    /// <see cref="Sections"/>; any other field the file has is refused.
    /// </summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Unbound { get; init; }

    /// <summary>The kinds' sections, bound by their kinds (<see cref="INodeKind.BindSection"/>), by section name.</summary>
    [JsonIgnore] public IReadOnlyDictionary<string, object> Sections { get; init; } = new Dictionary<string, object>();

    /// <summary>A kind's section as its kind bound it, or null when the file has none.</summary>
    public T? Section<T>(string name) where T : class => Sections.TryGetValue(name, out var section) ? (T)section : null;

    /// <param name="kinds">The kinds of traceback system the program runs: a BTM or DTM names one (<c>system</c>), and
    /// their sections are the file's too.</param>
    /// <exception cref="ConfigException">The file is missing, not JSON, or a field is wrong (the message names it).</exception>
    public static NodeConfig Load(string path, KindRegistry kinds)
    {
        NodeConfig config;
        try
        {
            config = JsonFile.Load<NodeConfig>(path);
        }
        catch (FormatException e)
        {
            throw new ConfigException(e.Message, e);
        }
        try
        {
            if (config.Itm?.SkipOverField is { ValueKind: not JsonValueKind.Undefined } skipOver)
            {
                config = config with { Itm = config.Itm with { SkipOver = SkipOverConfig.Bind(skipOver) } };
            }
        }
        catch (FormatException e)
        {
            throw new ConfigException($"{path}: {e.Message}", e);
        }
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        config = config.Resolve(baseDirectory, kinds.Default.Name) with { Sections = BindSections(path, config.Unbound, baseDirectory, kinds), Unbound = null };
        config.Validate(kinds);
        return config;
    }

    /// <summary>Each field the file has beyond the node's own is a section of one of the kinds, which binds it.</summary>
    private static Dictionary<string, object> BindSections(string path, Dictionary<string, JsonElement>? unbound, string baseDirectory, KindRegistry kinds)
    {
        var sections = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, json) in unbound ?? [])
        {
            var kind = kinds.InNodes.Select(k => k.Node!).FirstOrDefault(k => k.Section == name)
                ?? throw new ConfigException($"{path}: {name}: unknown field; the fields here are: " +
                    string.Join(", ", [.. JsonFile.Fields<NodeConfig>(), .. kinds.InNodes.Select(k => k.Node!.Section).OfType<string>()]));
            try
            {
                sections[name] = kind.BindSection(json, baseDirectory);
            }
            catch (FormatException e)
            {
                throw new ConfigException($"{path}: {e.Message}", e);
            }
        }
        return sections;
    }

    private NodeConfig Resolve(string baseDirectory, string defaultSystem) => this with
    {
        Ca = Full(baseDirectory, Ca),
        Certificates = Full(baseDirectory, Certificates),
        Crl = Full(baseDirectory, Crl),
        Btm = Btm is null ? null : Btm with { System = Btm.System ?? defaultSystem, Digests = Full(baseDirectory, Btm.Digests),
        Flows = Full(baseDirectory, Btm.Flows) },
        Dtm = Dtm is null ? null : Dtm with { System = Dtm.System ?? defaultSystem, Digests = Full(baseDirectory, Dtm.Digests),
        Flows = Full(baseDirectory, Dtm.Flows) },
        DPoint = DPoint is null ? null : DPoint with { Database = Full(baseDirectory, DPoint.Database) },
        Itm = Itm is null ? null : Itm with { AsGraph = Full(baseDirectory, Itm.AsGraph), Directory = Full(baseDirectory, Itm.Directory) },
    };

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(path))]
    public static string? Full(string baseDirectory, string? path) => string.IsNullOrEmpty(path) ? path : Path.GetFullPath(path, baseDirectory);

    private void Validate(KindRegistry kinds)
    {
        Require(As > 0, "as", "must be an AS number from 1 to 4294967295");
        var roleSections = kinds.InNodes.Select(k => k.Node!).Where(k => k.SectionIsRole && k.Section is not null).Select(k => k.Section!).ToList();
        Require(Itm is not null || Btm is not null || Dtm is not null || DPoint is not null || roleSections.Any(Sections.ContainsKey) || Rid is not null,
            string.Join('/', ["itm", "btm", "dtm", "dp", .. roleSections, "rid"]), "no role is configured");
        Require(File.Exists(Ca), "ca", $"no such file {Ca}");
        Require(Directory.Exists(Certificates), "certificates", $"no such directory {Certificates}");
        Require(Crl is null || File.Exists(Crl), "crl", $"no such file {Crl}");
        System.Security.Cryptography.X509Certificates.X509Certificate2 federationCa;
        try
        {
            federationCa = Pki.PemFiles.LoadCa(Pki.NamedFile.Field("ca", Ca));
        }
        catch (FormatException e)
        {
            throw new ConfigException(e.Message, e);
        }
        using (federationCa)
        {
            try
            {
                _ = new Pki.RevocationList(Crl ?? Pki.RevocationList.BesideCa(Ca), federationCa);
            }
            catch (FormatException e)
            {
                throw new ConfigException($"crl: {e.Message}", e);
            }
        }
        if (Itm is not null)
        {
            Bindable(Itm.Listen, "itm.listen");
            foreach (var (asText, endpoint) in Itm.Neighbors)
            {
                Require(uint.TryParse(asText, out uint n) && n > 0, $"itm.neighbors.{asText}", "keys must be AS numbers");
                Endpoint(endpoint, $"itm.neighbors.{asText}");
            }
            if (Itm.Btm is not null) Endpoint(Itm.Btm, "itm.btm");
            for (int i = 0; i < Itm.Dtms.Count; i++) Endpoint(Itm.Dtms[i], $"itm.dtms[{i}]");
            foreach (var (asText, level) in Itm.ExportLevels)
            {
                Require(uint.TryParse(asText, out uint n) && n > 0, $"itm.exportLevels.{asText}", "keys must be AS numbers");
                Require(level is "all" or "inter-as" or "intra-as", $"itm.exportLevels.{asText}", "must be \"all\", \"inter-as\" or \"intra-as\"");
            }
            Require(Itm.TraceTimeoutSeconds > 0, "itm.traceTimeoutSeconds", "must be positive");
            Require(Itm.RateLimit > 0, "itm.rateLimit", "must be positive");
            Require(Itm.HeartbeatSeconds >= 1, "itm.heartbeatSeconds", "must be at least 1");
            Require(Itm.SkipOver.MaxAsked > 0, "itm.skipOver.maxAsked", "must be positive (\"ask\": false asks none)");
            Require(Itm.SkipOver.Wave > 0, "itm.skipOver.wave", "must be positive");
            Require((Itm.AsGraph is null) == (Itm.Directory is null), "itm.asGraph/itm.directory",
                "skip-over needs both: the AS graph and the signed directory of ITMs");
            Require(Itm.AsGraph is null || File.Exists(Itm.AsGraph), "itm.asGraph", $"no such file {Itm.AsGraph}");
            Require(Itm.Directory is null || File.Exists(Itm.Directory), "itm.directory", $"no such file {Itm.Directory}");
            if (Itm.Directory is not null)
            {
                try
                {
                    using var ca = Pki.PemFiles.LoadCertificate(Ca);
                    Topology.ItmDirectory.Load(Itm.Directory, ca);
                }
                catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
                {
                    throw new ConfigException($"itm.directory: {e.Message}", e);
                }
            }
        }
        if (Btm is not null)
        {
            Bindable(Btm.Listen, "btm.listen");
            Evidence(Btm, "btm", kinds);
            for (int i = 0; i < Btm.Links.Count; i++)
            {
                Require(Btm.Links[i].Link.Length > 0, $"btm.links[{i}].link", "is empty");
                Require(Btm.Links[i].NeighborAs > 0, $"btm.links[{i}].neighborAs", "must be an AS number");
                Require(Btm.Links[i].Direction is "in" or "out", $"btm.links[{i}].direction", "must be \"in\" or \"out\"");
            }
        }
        if (Dtm is not null)
        {
            Bindable(Dtm.Listen, "dtm.listen");
            Evidence(Dtm, "dtm", kinds);
            var names = Dtm.Routers.Select(r => r.Name).ToHashSet();
            for (int i = 0; i < Dtm.Routers.Count; i++)
            {
                Require(Dtm.Routers[i].Name.Length > 0, $"dtm.routers[{i}].name", "is empty");
                for (int j = 0; j < Dtm.Routers[i].Ingress.Count; j++)
                {
                    var from = Dtm.Routers[i].Ingress[j].From;
                    Require(names.Contains(from) || from == "hosts"
                        || (from.StartsWith("as:", StringComparison.Ordinal) && uint.TryParse(from.AsSpan(3), System.Globalization.NumberStyles.None,
                        System.Globalization.CultureInfo.InvariantCulture, out uint n) && n > 0),
                        $"dtm.routers[{i}].ingress[{j}].from", $"'{from}' is no router of the domain, \"hosts\" or \"as:N\"");
                }
            }
        }
        if (DPoint is not null)
        {
            Bindable(DPoint.Listen, "dp.listen");
            Endpoint(DPoint.Itm, "dp.itm");
            Require(DPoint.Database.Length > 0, "dp.database", "is empty");
            Require(DPoint.RateLimit > 0, "dp.rateLimit", "must be positive");
            Require(DPoint.MaxConcurrentTraces > 0, "dp.maxConcurrentTraces", "must be positive");
            Require(DPoint.MaxQueuedTraces >= 0, "dp.maxQueuedTraces", "must not be negative");
            Require(DPoint.KeepResultsDays >= 0, "dp.keepResultsDays", "must not be negative");
            Require(DPoint.LegacyPort is null or (> 0 and < 65536), "dp.legacyPort", "must be a port number");
            Require(System.Net.IPAddress.TryParse(DPoint.LegacyBind, out _), "dp.legacyBind", $"'{DPoint.LegacyBind}' is not an IP address");
        }
        Require(ShutdownGraceSeconds is >= 0 and <= 20, "shutdownGraceSeconds", "must be from 0 to 20 (a stop must end within the 30 s the command gives it)");
        if (Telemetry is not null)
        {
            if (Telemetry.Metrics is not null) Bindable(Telemetry.Metrics, "telemetry.metrics");
            Require(Telemetry.Otlp is null || Uri.TryCreate(Telemetry.Otlp, UriKind.Absolute, out var otlp) && otlp.Scheme is "http" or "https",
                "telemetry.otlp", $"'{Telemetry.Otlp}' is not an http:// or https:// URL");
        }
        if (Web is not null)
        {
            Require(DPoint is not null, "web", "the operator page belongs to the D Point: this node runs no dp");
            Bindable(Web.Listen, "web.listen");
            Require(Web.Tls || Transport.HostPort.TryParseEndPoint(Web.Listen, out var at) && System.Net.IPAddress.IsLoopback(at!.Address),
                "web.listen", $"{Web.Listen} is not a loopback address: serve it with \"tls\": true (mutual TLS for the Traceback Clients' certificates)");
        }
        if (Rid is not null)
        {
            Bindable(Rid.Listen, "rid.listen");
            Endpoint(Rid.Dp, "rid.dp");
            Require(Rid.PatienceSeconds >= 0, "rid.patienceSeconds", "must not be negative");
            Require(Rid.TraceWaitSeconds > 0, "rid.traceWaitSeconds", "must be positive");
            foreach (var (asText, url) in Rid.Callbacks)
            {
                Require(uint.TryParse(asText, out uint n) && n > 0, $"rid.callbacks.{asText}", "keys must be AS numbers");
                Require(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps, $"rid.callbacks.{asText}",
                    $"'{url}' is not an https:// URL");
            }
        }
    }

    /// <summary>A BTM or DTM names a kind of system this program runs, and that kind finds its evidence: a directory, or the agent of this node.</summary>
    private void Evidence(SystemRoleConfig config, string role, KindRegistry kinds)
    {
        var names = kinds.InNodes.Select(k => k.Name).ToList();
        var kind = kinds.Named(config.System!)?.Node;
        Require(kind is not null, $"{role}.system", $"'{config.System}' is not one of: {string.Join(", ", names)}");
        if (!config.Stub)
        {
            kind!.CheckRole(this, config, role);
        }
    }

    public static void Endpoint(string text, string field) =>
        Require(Transport.HostPort.TryParse(text, out _, out _), field, $"'{text}' is not HOST:PORT");

    public static void Bindable(string text, string field) =>
        Require(Transport.HostPort.TryParseEndPoint(text, out _), field, $"'{text}' is not IP:PORT (an address of this host, or localhost)");

    public static void Require(bool ok, string field, string problem)
    {
        if (!ok)
        {
            throw new ConfigException($"{field}: {problem}");
        }
    }
}

internal sealed record ItmConfig
{
    public string Listen { get; init; } = "0.0.0.0:9001";
    /// <summary>Neighbour AS number → its ITM's HOST:PORT.</summary>
    public Dictionary<string, string> Neighbors { get; init; } = [];
    /// <summary>Our BTM's HOST:PORT; null runs a stub (no border traceback system).</summary>
    public string? Btm { get; init; }
    public double TraceTimeoutSeconds { get; init; } = 30;
    /// <summary>Path filter: ASes never asked and whose requests are refused.</summary>
    public List<uint> Deny { get; init; } = [];
    /// <summary>Path filter: when given, the only ASes asked and answered.</summary>
    public List<uint>? Allow { get; init; }
    /// <summary>Requests per second taken from other ASes.</summary>
    public double RateLimit { get; init; } = 100;
    /// <summary>Seconds between heartbeats to neighbour ITMs and our BTM.</summary>
    public double HeartbeatSeconds { get; init; } = 30;
    /// <summary>Our DTMs' HOST:PORTs (one per traceback system of the domain).</summary>
    public List<string> Dtms { get; init; } = [];
    /// <summary>Neighbour AS number → what it may learn: "inter-as" (AS statuses; the default), "intra-as" or "all" (also our router-level answers).</summary>
    public Dictionary<string, string> ExportLevels { get; init; } = [];
    /// <summary>The public AS graph (CAIDA as-rel format): with <see cref="Directory"/>, turns on skip-over and candidate origins.</summary>
    public string? AsGraph { get; init; }
    /// <summary>The federation's signed directory of ITM endpoints (docs/protocol.md, "Skip-over").</summary>
    public string? Directory { get; init; }
    /// <summary>Skip-over as written: <c>false</c> only names the candidate origins behind an AS that runs nothing; or its section.</summary>
    /// (Not nullable: a JSON null is a value to refuse, an absent field is Undefined.)
    [JsonPropertyName("skipOver")] public JsonElement SkipOverField { get; init; }

    /// <summary>Skip-over as bound from <see cref="SkipOverField"/> on loading.</summary>
    [JsonIgnore] public SkipOverConfig SkipOver { get; init; } = new();
}

/// <summary>
/// How far an ITM goes behind an AS that runs nothing (<see cref="Managers.SkipOverSettings"/>): whether it asks at all, at most how many
/// deployed ASes per gap, how many in its first wave, whether also those whose inferred route does not cross the gap, and whether
/// spoofing notices narrow whom it asks. <c>true</c> and <c>false</c> stand for the defaults with <see cref="Ask"/> so.
/// </summary>
internal sealed record SkipOverConfig
{
    public bool Ask { get; init; } = true;
    public int MaxAsked { get; init; } = Managers.SkipOverSettings.DefaultMaxTargets;
    public int Wave { get; init; } = Managers.SkipOverSettings.DefaultWave;
    public bool OffRoute { get; init; }
    public bool Notices { get; init; } = true;

    /// <param name="sendsNotices">The ASes that send spoofing notices (the directory's <c>noticeSenders</c>).</param>
    public Managers.SkipOverSettings Settings(Topology.AsGraph graph, Func<uint, bool> deployed, Func<uint, bool> sendsNotices) =>
        new(graph, deployed) { Ask = Ask, MaxTargets = MaxAsked, Wave = Wave, OffRoute = OffRoute, Notices = Notices, SendsNotices = sendsNotices };

    /// <exception cref="FormatException">Neither a boolean nor a section of these fields; the message names the field.</exception>
    public static SkipOverConfig Bind(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => new SkipOverConfig { Ask = json.GetBoolean() },
        JsonValueKind.Object => JsonFile.Bind<SkipOverConfig>(json, "itm.skipOver"),
        _ => throw new FormatException($"itm.skipOver: must be true, false or a section {{ {string.Join(", ", JsonFile.Fields<SkipOverConfig>())} }}, " +
            $"got {JsonProblem.Value(json)}"),
    };
}

internal sealed record DtmConfig : SystemRoleConfig
{
    public string Listen { get; init; } = "127.0.0.1:9003";
    public List<RouterConfig> Routers { get; init; } = [];
}

/// <summary>
/// What a BTM and a DTM share: the kind of traceback system behind them, where its evidence is
/// (ignored when this node runs the system's own agent: <c>capture</c>, <c>collector</c>), or a stub.
/// </summary>
public abstract record SystemRoleConfig
{
    /// <summary>The kind of system (<see cref="KindRegistry"/>); left out, the program's default kind (packet digests).</summary>
    public string? System { get; init; }
    /// <summary>Directory of digest pages; ignored when the node captures itself.</summary>
    public string? Digests { get; init; }
    /// <summary>Directory of flow records (a collector's store); ignored when the node collects itself.</summary>
    public string? Flows { get; init; }
    public bool Stub { get; init; }
    /// <summary>±δ around a packet's time when asking the evidence.</summary>
    public double ToleranceSeconds { get; init; } = 2;
}

internal sealed record RouterConfig
{
    public string Name { get; init; } = "";
    public List<IngressConfig> Ingress { get; init; } = [];
}

internal sealed record IngressConfig
{
    /// <summary>The ingress as the system records it: a digest link ("r1-eth0:in"), a flow exporter's interface ("192.0.2.1/3:in").</summary>
    public string Link { get; init; } = "";
    /// <summary>Another router's name, "hosts", or "as:N".</summary>
    public string From { get; init; } = "";
}

internal sealed record BtmConfig : SystemRoleConfig
{
    public string Listen { get; init; } = "127.0.0.1:9002";
    public List<BorderLinkConfig> Links { get; init; } = [];
}

internal sealed record BorderLinkConfig
{
    /// <summary>The link as the system records it: a digest link ("eth1:in"), a flow exporter's interface ("192.0.2.1/3:in").</summary>
    public string Link { get; init; } = "";
    public uint NeighborAs { get; init; }
    /// <summary>"in" or "out".</summary>
    public string Direction { get; init; } = "";
}

public sealed record DPointConfig
{
    public string Listen { get; init; } = "0.0.0.0:9005";
    public string Itm { get; init; } = "127.0.0.1:9001";
    public string Database { get; init; } = "dpoint.db";
    /// <summary>ASes whose Traceback Client certificates may connect (default: our own).</summary>
    public List<uint> Clients { get; init; } = [];
    /// <summary>Plain-TCP port for legacy clients; off unless set.</summary>
    public int? LegacyPort { get; init; }
    public string LegacyBind { get; init; } = "127.0.0.1";
    public double RateLimit { get; init; } = 100;
    public double MaxEvidenceAgeSeconds { get; init; } = 3600;
    public int MaxFootmarks { get; init; } = 1000;
    /// <summary>Traces handed to the ITM at once; more wait in a queue of <see cref="MaxQueuedTraces"/>, beyond it they are refused as Busy.</summary>
    public int MaxConcurrentTraces { get; init; } = 64;
    public int MaxQueuedTraces { get; init; } = 1024;
    /// <summary>Days finished traces are kept in the database.</summary>
    public double KeepResultsDays { get; init; } = 7;
}

/// <summary>
/// The RID gateway (RFC 6545/6546, docs/interop.md): HTTPS with mutual TLS on <see cref="Listen"/>
/// for peers holding a Traceback Client certificate of the federation; it traces through the D
/// Point at <see cref="Dp"/>, serving with this AS's dp certificate and asking as its tc.
/// </summary>
public sealed record RidConfig
{
    public string Listen { get; init; } = "0.0.0.0:4590";
    public string Dp { get; init; } = "";
    /// <summary>How long a request waits for its trace before it is answered 202 and the result is posted back.</summary>
    public double PatienceSeconds { get; init; } = 10;
    /// <summary>How long a trace may take in all.</summary>
    public double TraceWaitSeconds { get; init; } = 120;
    /// <summary>Where results are posted after a 202, by the requesting peer's AS number.</summary>
    public Dictionary<string, string> Callbacks { get; init; } = [];
}

/// <summary>Where the node's telemetry goes: a Prometheus scrape endpoint, and an OTLP collector for its spans.</summary>
public sealed record TelemetryConfig
{
    /// <summary>IP:PORT of the Prometheus endpoint (GET /metrics, plain HTTP); off when null.</summary>
    public string? Metrics { get; init; }
    /// <summary>The OTLP collector's URL for spans (gRPC, or HTTP/protobuf with <see cref="OtlpHttp"/>); off when null.</summary>
    public string? Otlp { get; init; }
    public bool OtlpHttp { get; init; }
}

/// <summary>
/// The D Point's operator page: plain HTTP on a loopback address, or HTTPS with mutual TLS (<see cref="Tls"/>) for the
/// Traceback Clients of dp.clients.
/// </summary>
public sealed record WebConfig
{
    public string Listen { get; init; } = "127.0.0.1:9080";
    public bool Tls { get; init; }
}

/// <summary>A configuration problem; the message names the file or field.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message) : base(message) { }
    public ConfigException() { }
    public ConfigException(string message, Exception inner) : base(message, inner) { }
}
