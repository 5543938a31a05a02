namespace InterTrack.Flow.Export;

/// <summary>Why (part of) an export message was not stored. Counted per exporter; logged once per exporter and reason.</summary>
public enum ExportProblem
{
    /// <summary>Not IPFIX (version 10) nor NetFlow v9: another version, or not an export at all.</summary>
    UnknownVersion,
    /// <summary>Shorter than its header says, or a set or record overruns the message.</summary>
    Truncated,
    /// <summary>A length or count that cannot be (a set shorter than its header, a template with no room for its fields).</summary>
    Malformed,
    /// <summary>A data set whose template never came within the hold time; dropped.</summary>
    TemplateMissing,
}
