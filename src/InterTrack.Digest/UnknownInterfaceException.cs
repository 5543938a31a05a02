namespace InterTrack.Digest;

/// <summary>An interface to capture that libpcap does not know; the message names it and those it knows.</summary>
public sealed class UnknownInterfaceException : ArgumentException
{
    public UnknownInterfaceException(string name, IReadOnlyCollection<string> available)
        : base(available.Count == 0
            ? $"{name}: no such interface, and libpcap sees none: capture as root or with CAP_NET_RAW"
            : $"{name}: no such interface; capture one of: {string.Join(", ", available)} ('ip link' lists them)")
    {
        Interface = name;
    }

    public UnknownInterfaceException() { }

    public UnknownInterfaceException(string message) : base(message) { }

    public UnknownInterfaceException(string message, Exception inner) : base(message, inner) { }

    public string Interface { get; } = "";
}
