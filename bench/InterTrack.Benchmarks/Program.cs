using BenchmarkDotNet.Running;
using InterTrack.Benchmarks;

// "make-pcap FILE N" writes the capture that bench/digest-vs-tools.sh times; anything else goes to BenchmarkDotNet.
if (args is ["make-pcap", var path, var count])
{
    SyntheticCapture.Write(path, long.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
