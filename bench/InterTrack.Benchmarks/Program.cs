using BenchmarkDotNet.Running;
using InterTrack.Benchmarks;

// "make-pcap FILE N" writes the capture that bench/digest-vs-tools.sh times; "make-exports FILE N" a capture of
// IPFIX datagrams holding N flow records, for timing 'intertrack flows --read'; "trace-latency [N]" times
// whole traces over TLS chains of 2, 5 and 10 AS hops (N traces each, default 100); "marking-packets" prints
// docs/evaluation.md's packets-needed table; "plot-scale CSV SVG" draws
// bench/internet-scale.sh's growth plot; anything else goes to BenchmarkDotNet.
if (args is ["make-pcap", var path, var count])
{
    SyntheticCapture.Write(path, long.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
    return;
}
if (args is ["make-exports", var exportsPath, var records])
{
    ExportCapture.Write(exportsPath, long.Parse(records, System.Globalization.CultureInfo.InvariantCulture));
    return;
}
if (args is ["marking-packets"])
{
    MarkingTable.Print(Console.Out);
    return;
}
if (args is ["plot-scale", var csv, var svg])
{
    ScalePlot.Write(csv, svg);
    return;
}
if (args is ["trace-latency", .. var rest])
{
    await TraceLatency.RunAsync([2, 5, 10], rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 100);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
