using System.Net;
using System.Net.Sockets;

namespace InterTrack.Cli;

/// <summary>A port on 127.0.0.1 that an option of <c>emulate --serve</c> fixes: when it cannot be bound, the error names the option.</summary>
internal static class ServedPort
{
    /// <summary>Fails at once when the port is taken (0: any port, never taken).</summary>
    /// <exception cref="CommandException">The port cannot be bound.</exception>
    public static void CheckFree(string option, int port)
    {
        if (port == 0)
        {
            return;
        }
        var probe = new TcpListener(IPAddress.Loopback, port);
        try
        {
            probe.Start();
        }
        catch (SocketException e)
        {
            throw Refused(option, port, e);
        }
        finally
        {
            probe.Stop();
        }
    }

    /// <exception cref="CommandException">The port cannot be bound.</exception>
    public static T Bind<T>(string option, int port, Func<T> bind)
    {
        try
        {
            return bind();
        }
        catch (SocketException e)
        {
            throw Refused(option, port, e);
        }
    }

    /// <exception cref="CommandException">The port cannot be bound.</exception>
    public static async Task<T> BindAsync<T>(string option, int port, Func<Task<T>> bind)
    {
        try
        {
            return await bind().ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            throw Refused(option, port, e); // Kestrel says IOException, with the SocketException inside
        }
    }

    private static CommandException Refused(string option, int port, Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            if (cause is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return new CommandException($"{option} {port}: port already in use on 127.0.0.1; stop what holds it or choose another port (0: any free port)",
                    e);
            }
        }
        return new CommandException($"{option} {port}: cannot listen on 127.0.0.1:{port}: {e.Message}", e);
    }
}
