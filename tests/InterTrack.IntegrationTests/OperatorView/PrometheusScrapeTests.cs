using System.Diagnostics;
using System.Text.Json;

namespace InterTrack.IntegrationTests.OperatorView;

/// <summary>
/// The metrics endpoint as an operator uses it: Debian's Prometheus server, started on a free
/// port with a generated configuration, scrapes a served emulation after a trace, and the stored
/// series say what happened.
/// </summary>
public sealed class PrometheusScrapeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intertrack-prometheus-").FullName;
    private Process? _prometheus;

    [SkippableFact]
    public async Task Prometheus_stores_the_series_of_a_trace()
    {
        Requires.Programs("prometheus");
        await using var served = await ServedEmulation.StartAsync(attackers: 3);
        var e = served.Endpoints;
        var trace = await Task.Run(() => CliRunner.Run("trace", "--dp", e.DPoint.ToString(), "--pcap", e.Pcap, "--all", "--json",
            "--cert", e.ClientCertificate, "--key", e.ClientKey, "--ca", e.Ca));
        Assert.True(trace.Code == 0, trace.Output + trace.Error);

        int port = await StartPrometheusAsync(e.Metrics);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        string victim = e.VictimAs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // At least: the meters are per process, and other tests' nodes may share the victim's AS number.
        Assert.True(await QueryUntilAsync(http, $"intertrack_itm_traces_received_total{{as=\"{victim}\",from=\"dpoint\"}}") >= 1);
        Assert.True(await QueryUntilAsync(http, $"intertrack_dp_traces_total{{as=\"{victim}\",outcome=\"done\"}}") >= 1);
        Assert.True(await QueryUntilAsync(http, $"intertrack_dp_requests_total{{as=\"{victim}\",outcome=\"accepted\"}}") >= 1);
        // Every AS the trace reached beyond the victim got the request from a neighbour, and answered it.
        Assert.True(await QueryUntilAsync(http, "sum(intertrack_itm_traces_received_total{from=\"neighbor\"})") >= 3);
        Assert.True(await QueryUntilAsync(http, $"intertrack_itm_trace_duration_seconds_count{{as=\"{victim}\",scope=\"end_to_end\"}}") >= 1);
    }

    /// <summary>
    /// Starts Prometheus scraping <paramref name="metrics"/> every second; returns its port once it
    /// is ready. A port picked free may be taken before Prometheus binds it: then it exits, and
    /// another is picked.
    /// </summary>
    private async Task<int> StartPrometheusAsync(Uri metrics)
    {
        File.WriteAllText(Path.Combine(_dir, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: intertrack
                metrics_path: {metrics.AbsolutePath}
                static_configs:
                  - targets: ["{metrics.Authority}"]
            """);
        using var http = new HttpClient();
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            int port = FreePort.Pick();
            if (_prometheus is { HasExited: false })
            {
                _prometheus.Kill(entireProcessTree: true); // it did not get ready in 30 s
            }
            _prometheus?.Dispose();
            _prometheus = Process.Start(new ProcessStartInfo("prometheus",
                ["--config.file", Path.Combine(_dir, "prometheus.yml"), "--storage.tsdb.path", Path.Combine(_dir, "data"), "--web.listen-address",
                $"127.0.0.1:{port}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            _prometheus.OutputDataReceived += (_, _) => { };
            _prometheus.ErrorDataReceived += (_, _) => { };
            _prometheus.BeginOutputReadLine();
            _prometheus.BeginErrorReadLine();
            var clock = Stopwatch.StartNew();
            while (!_prometheus.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/-/ready")).IsSuccessStatusCode)
                    {
                        return port;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                await Task.Delay(200);
            }
        }
        throw new InvalidOperationException("Prometheus did not start (3 attempts)");
    }

    /// <summary>The value of an instant query once Prometheus has scraped it (within 30 s).</summary>
    private static async Task<double> QueryUntilAsync(HttpClient http, string query)
    {
        var clock = Stopwatch.StartNew();
        string last = "";
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                last = await http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(query)}");
                var result = JsonDocument.Parse(last).RootElement.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() > 0)
                {
                    return double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (HttpRequestException)
            {
                // Prometheus is still starting
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"Prometheus has no series for {query} after 30 s (last answer: {last})");
    }


    public void Dispose()
    {
        if (_prometheus is { HasExited: false })
        {
            _prometheus.Kill(entireProcessTree: true);
            _prometheus.WaitForExit(10_000);
        }
        _prometheus?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
