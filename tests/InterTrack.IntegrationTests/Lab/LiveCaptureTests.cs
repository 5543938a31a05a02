using System.Diagnostics;
using System.Net;
using InterTrack.Digest;
using InterTrack.Lab;
using InterTrack.Packets.Capture;
using InterTrack.Protocol.Model;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace InterTrack.IntegrationTests.Lab;

/// <summary>
/// A namespace router forwards forged-source packets from two attacker links to a victim link;
/// the real <c>intertrack capture</c> agent, running inside the router's namespace, digests its
/// three interfaces. Every forged packet is then found on the links it crossed and on no other,
/// and packets never sent are not found.
/// </summary>
public sealed class LiveCaptureTests : IDisposable
{
    private readonly NetnsLab _lab = new();
    private readonly string _pages = Directory.CreateTempSubdirectory("intertrack-live-").FullName;

    [SkippableFact]
    public async Task Forged_packets_forwarded_by_a_namespace_router_are_found_on_the_right_links()
    {
        Requires.Root();
        string router = _lab.AddNamespace("rtr");
        string victim = _lab.AddNamespace("vic");
        string t = _lab.Tag;
        string a0 = $"ia0{t}", a1 = $"ia1{t}", b0 = $"ib0{t}", b1 = $"ib1{t}", v0 = $"iv0{t}", v1 = $"iv1{t}";
        _lab.AddVeth(a0, null, a1, router);   // attacker A: the root end, where this test injects frames
        _lab.AddVeth(b0, null, b1, router);   // attacker B
        _lab.AddVeth(v1, router, v0, victim); // the victim's link
        NetnsLab.Ip("-n", router, "addr", "add", "10.201.1.1/24", "dev", a1);
        NetnsLab.Ip("-n", router, "addr", "add", "10.201.2.1/24", "dev", b1);
        NetnsLab.Ip("-n", router, "addr", "add", "10.201.9.1/24", "dev", v1);
        NetnsLab.Ip("-n", victim, "addr", "add", "10.201.9.2/24", "dev", v0);
        // A router without ingress filtering: forged sources pass.
        NetnsLab.Exec(router, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
            $"net.ipv4.conf.{a1}.rp_filter=0", $"net.ipv4.conf.{b1}.rp_filter=0");
        NetnsLab.Ip("-n", router, "neigh", "replace", "10.201.9.2", "lladdr", NetnsLab.MacOf(victim, v0), "dev", v1, "nud", "permanent");

        using var agent = StartAgent(router, a1, b1, v1);
        var fromA = Forged(1111, 300);
        var fromB = Forged(2222, 300);
        Inject(a0, NetnsLab.MacOf(router, a1), fromA);
        Inject(b0, NetnsLab.MacOf(router, b1), fromB);
        WaitForForwarded(router, v1, fromA.Count + fromB.Count); // the last frames are through the router
        string counters = await StopAsync(agent);

        using var pages = new PageSet(DigestArchive.Load(_pages));
        Assert.Contains($"{a1}:in", pages.Links);
        Assert.Contains($"{v1}:out", pages.Links);
        AssertFound(pages, fromA, [$"{a1}:in", $"{v1}:out"], [$"{b1}:in", $"{a1}:out", $"{v1}:in"], counters);
        AssertFound(pages, fromB, [$"{b1}:in", $"{v1}:out"], [$"{a1}:in", $"{b1}:out", $"{v1}:in"], counters);

        // Packets never sent: no link has them (beyond the false-positive rate, ~0 here).
        var never = Forged(3333, 300);
        int falseHits = 0;
        foreach (var packet in never)
        {
            var keys = DigestKeys.OfPacket(packet);
            foreach (var link in pages.Links)
            {
                falseHits += pages.Ask(link, keys, null, TimeSpan.Zero).Seen ? 1 : 0;
            }
        }
        Assert.True(falseHits <= 1, $"{falseHits} hits for packets never sent");
    }

    private static void AssertFound(PageSet pages, List<byte[]> packets, string[] crossed, string[] notCrossed, string counters)
    {
        long now = TimeVal.ToNs(DateTimeOffset.UtcNow);
        var missing = new List<string>();
        var misplaced = new List<string>();
        for (int i = 0; i < packets.Count; i++)
        {
            var key = DigestKeys.OfPacket(packets[i]);
            int index = i;
            missing.AddRange(crossed.Where(link => !pages.Ask(link, key, now, TimeSpan.FromMinutes(2)).Seen).Select(link => $"packet {index} on {link}"));
            misplaced.AddRange(notCrossed.Where(link => pages.Ask(link, key, null, TimeSpan.Zero).Seen).Select(link => $"packet {index} on {link}"));
        }
        Assert.True(missing.Count == 0, $"{missing.Count} missing, e.g. {string.Join(", ", missing.Take(5))}; the agent said: {counters}");
        Assert.True(misplaced.Count == 0, $"{misplaced.Count} found on links they never crossed, e.g. {string.Join(", ", misplaced.Take(5))}");
    }

    /// <summary>UDP packets from random forged sources (198.18.0.0/15, the benchmarking range) to the victim.</summary>
    private static List<byte[]> Forged(ushort port, int count)
    {
        var random = new Random(port);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var udp = new UdpPacket((ushort)random.Next(1024, 65535), port) { PayloadData = BitConverter.GetBytes(random.NextInt64()) };
            var ip = new IPv4Packet(new IPAddress([198, (byte)(18 + random.Next(2)), (byte)random.Next(256), (byte)random.Next(1, 255)]),
                IPAddress.Parse("10.201.9.2")) { TimeToLive = 64, Id = (ushort)i, PayloadPacket = udp };
            udp.UpdateCalculatedValues();
            ip.UpdateCalculatedValues();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        })];
    }

    private static void Inject(string rootLink, string routerMac, List<byte[]> packets)
    {
        using var device = LibPcapLiveDeviceList.New().First(d => d.Name == rootLink);
        device.Open(new DeviceConfiguration { Mode = DeviceModes.None });
        var source = System.Net.NetworkInformation.PhysicalAddress.Parse(NetnsLab.MacOf(null, rootLink).Replace(':', '-').ToUpperInvariant());
        var destination = System.Net.NetworkInformation.PhysicalAddress.Parse(routerMac.Replace(':', '-').ToUpperInvariant());
        foreach (var ip in packets)
        {
            var frame = new EthernetPacket(source, destination, EthernetType.IPv4) { PayloadData = ip };
            device.SendPacket(frame.Bytes);
            Thread.Sleep(1); // bounded: 300 packets, paced so the veth queue never overflows
        }
    }

    private Process StartAgent(string ns, params string[] interfaces)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", ns, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
                     Path.Combine(AppContext.BaseDirectory, "intertrack.dll"), "capture", "--out", _pages, "--page-packets", "100000" })
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var name in interfaces)
        {
            info.ArgumentList.Add("--interface");
            info.ArgumentList.Add(name);
        }
        var process = Process.Start(info)!;
        string? first = process.StandardOutput.ReadLine(); // "capturing on …" once every interface is open
        if (first?.StartsWith("capturing on", StringComparison.Ordinal) != true)
        {
            Assert.Fail($"agent did not start: {first} {process.StandardError.ReadToEnd()}");
        }
        return process;
    }

    /// <summary>Waits (up to 10 s) until the router has sent <paramref name="count"/> packets out of <paramref name="link"/>.</summary>
    private static void WaitForForwarded(string ns, string link, int count)
    {
        long sent = 0;
        for (int i = 0; i < 200 && sent < count; i++)
        {
            using var json = System.Text.Json.JsonDocument.Parse(Shell.Run("ip", "-n", ns, "-j", "-s", "link", "show", link));
            sent = json.RootElement[0].GetProperty("stats64").GetProperty("tx").GetProperty("packets").GetInt64();
            if (sent < count)
            {
                Thread.Sleep(50);
            }
        }
        Assert.True(sent >= count, $"the router sent {sent} of {count} packets on {link}");
    }

    private static async Task<string> StopAsync(Process agent)
    {
        Shell.Run("kill", "-TERM", agent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await agent.WaitForExitAsync(timeout.Token);
        string rest = await agent.StandardOutput.ReadToEndAsync();
        Assert.True(agent.ExitCode == 0, $"agent exited {agent.ExitCode}: {await agent.StandardError.ReadToEndAsync()}");
        return rest;
    }

    public void Dispose()
    {
        _lab.Dispose();
        Directory.Delete(_pages, recursive: true);
    }
}
