namespace InterTrack.Flow.Export;

/// <summary>One field of a template: information element id (enterprise-specific ones keep their enterprise number) and length (65535: variable).</summary>
internal readonly record struct TemplateField(ushort Id, uint Enterprise, ushort Length)
{
    public const ushort Variable = 65535;
}

/// <summary>A (data or options) template of one exporter and observation domain, and when it was last (re)sent.</summary>
internal sealed class Template(TemplateField[] fields, int scopeFields, long receivedMs)
{
    public TemplateField[] Fields { get; } = fields;

    /// <summary>Options templates: how many leading fields are scope fields. 0 for data templates.</summary>
    public int ScopeFields { get; } = scopeFields;

    public bool IsOptions => ScopeFields > 0;

    public long ReceivedMs { get; set; } = receivedMs;

    /// <summary>The smallest record this template can describe (a variable-length field takes at least 1 byte); set padding is shorter.</summary>
    public int MinRecordLength { get; } = Math.Max(1, fields.Sum(f => f.Length == TemplateField.Variable ? 1 : f.Length));
}
