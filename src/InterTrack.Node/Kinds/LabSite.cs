namespace InterTrack.Node.Kinds;

/// <summary>An AS of the lab as a kind sees it (<see cref="ILabKind"/>): where its files go and its routers.</summary>
/// <param name="Directory">The AS's directory: its node configuration, the kind's files and evidence; logs in <c>logs/</c>.</param>
/// <param name="ItmAddress">The address its ITM listens on, on the first router, where the node runs.</param>
/// <param name="Intertrack">How to start the intertrack command (the executable, or dotnet and the dll).</param>
public sealed record LabAsSite(uint Number, string Directory, string ItmAddress, IReadOnlyList<LabRouterSite> Routers, IReadOnlyList<string> Intertrack)
{
    public string Log(string name) => Path.Combine(Directory, "logs", $"{name}.log");
}

/// <summary>A router of the lab: one network namespace.</summary>
public sealed record LabRouterSite(string Name, string Namespace, string Loopback, IReadOnlyList<LabInterfaceSite> Interfaces);

/// <summary>A router interface: its name and the kernel's index of it.</summary>
public sealed record LabInterfaceSite(string Name, int Index);

/// <summary>A program a kind runs on a router: started detached in the namespace, ready once its log holds <paramref name="Ready"/>.</summary>
/// <param name="Name">What the lab calls it in its messages ("AS65003 r1 pmacctd r1-as65004 in").</param>
public sealed record LabProcess(string Name, string Namespace, string Log, IReadOnlyList<string> Command, string Ready, bool AfterNode);
