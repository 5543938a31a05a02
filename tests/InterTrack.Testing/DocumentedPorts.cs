using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace InterTrack.Testing;

/// <summary>
/// The fixed loopback ports the docs and their example configurations show (<c>127.0.0.1:9001</c>,
/// <c>--web-port 19080</c>, …), each mapped to a port free now, the same one wherever it appears,
/// so that a test runs a documented example from a rewritten copy and does not fail because
/// something else on the machine holds a documented port. The docs keep their ports.
/// </summary>
internal sealed partial class DocumentedPorts : IDisposable
{
    private readonly Dictionary<int, int> _free = [];
    private readonly List<TcpListener> _held = [];

    /// <summary>The free port standing for <paramref name="documented"/>.</summary>
    public int this[int documented]
    {
        get
        {
            if (!_free.TryGetValue(documented, out int port))
            {
                _free[documented] = port = Pick();
            }
            return port;
        }
    }

    /// <summary>The text with every documented port replaced by its free one.</summary>
    public string Rewrite(string text) =>
        Documented().Replace(text, m => this[int.Parse(m.Value, CultureInfo.InvariantCulture)].ToString(CultureInfo.InvariantCulture));

    public void RewriteFile(string path) => File.WriteAllText(path, Rewrite(File.ReadAllText(path)));

    /// <summary>
    /// Holds the documented ports seen so far (those free now) until disposed, as another program
    /// on the machine might: a run that still used one would fail to bind it or reach us instead.
    /// </summary>
    public void HoldDocumented()
    {
        foreach (int port in _free.Keys.Except(_free.Values)) // one drawn as another's stand-in is ours to use
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                _held.Add(listener);
            }
            catch (SocketException)
            {
                listener.Dispose(); // something else holds it already: just as good
            }
        }
    }

    public void Dispose() => _held.ForEach(l => l.Dispose());

    /// <summary>A free port (for TCP and UDP: a collector takes both) neither handed out nor documented here.</summary>
    private int Pick()
    {
        int port;
        do
        {
            port = FreePort.Pick();
        }
        while (_free.ContainsValue(port) || _free.ContainsKey(port));
        return port;
    }

    // A loopback HOST:PORT, or the port options of 'emulate --serve'; port 0 (any) stays.
    [GeneratedRegex(@"(?<=\b(?:127\.0\.0\.1|localhost):|--(?:web|metrics|legacy-client|rid)-port[ =])[1-9][0-9]{0,4}\b")]
    private static partial Regex Documented();
}
