using Microsoft.Playwright;

namespace InterTrack.IntegrationTests.OperatorView;

/// <summary>
/// The D Point's operator page in a real browser (Debian's chromium, driven by Playwright): an
/// operator uploads the victim's capture through the form, the trace runs, and its page shows
/// the attack tree with the origin ASes.
/// </summary>
public sealed class OperatorPageBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task A_pcap_uploaded_through_the_form_is_traced_and_its_tree_shows_the_origin_ases()
    {
        Skip.IfNot(File.Exists(Chromium), $"needs Debian's chromium at {Chromium} (scripts/test.sh installs it)");
        await using var served = await ServedEmulation.StartAsync(attackers: 3);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"], // as root in CI
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });

        await page.GotoAsync(served.Endpoints.Web.ToString());
        await page.Locator("input[name=pcap]").SetInputFilesAsync(served.Endpoints.Pcap);
        await page.Locator("button[type=submit]").ClickAsync();

        // The form answers with the trace's page, which refreshes itself until the trace is done.
        await page.WaitForURLAsync("**/traces/*");
        var status = page.Locator("#status");
        await Assertions.Expect(status).ToHaveTextAsync("Done", new LocatorAssertionsToHaveTextOptions { Timeout = 120_000 });
        string origins = await page.Locator("#origins").InnerTextAsync();
        var found = origins.Split(", ").Select(a => uint.Parse(a["AS".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, found.Count);
        foreach (uint a in found)
        {
            // Each origin is drawn in the tree, as a traced attacker AS.
            var node = page.Locator($"#tree g.as[data-as='{a}']");
            await Assertions.Expect(node).ToHaveCountAsync(1);
            Assert.Equal($"AS{a}: attacker AS, traced", await node.Locator("title").TextContentAsync());
        }
        await Assertions.Expect(page.Locator($"#tree g.as[data-as='{served.Endpoints.VictimAs}'] title")).ToHaveTextAsync("AS" +
            $"{served.Endpoints.VictimAs}: victim");

        // The list has it too, done, with its origins.
        await page.Locator("text=← all traces").ClickAsync();
        var row = page.Locator("#traces tr", new PageLocatorOptions { HasText = "Done" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        foreach (uint a in found)
        {
            await Assertions.Expect(row.Locator(".origins")).ToContainTextAsync($"AS{a}");
        }
        if (Environment.GetEnvironmentVariable("INTERTRACK_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            await page.GoBackAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        }
    }

    [SkippableFact]
    public async Task A_file_that_is_no_capture_is_refused_with_the_reason_and_the_page_keeps_serving()
    {
        Skip.IfNot(File.Exists(Chromium), $"needs Debian's chromium at {Chromium} (scripts/test.sh installs it)");
        await using var served = await ServedEmulation.StartAsync(attackers: 1);
        string junk = Path.Combine(Path.GetTempPath(), $"not-a-pcap-{Guid.NewGuid():N}.pcap");
        await File.WriteAllTextAsync(junk, "this is not a capture");
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true,
                Args = ["--no-sandbox"] });
            var page = await browser.NewPageAsync();
            await page.GotoAsync(served.Endpoints.Web.ToString());
            await page.Locator("input[name=pcap]").SetInputFilesAsync(junk);
            await page.Locator("button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("not a readable pcap or pcapng capture");
            await Assertions.Expect(page.Locator("#traces tr")).ToHaveCountAsync(1); // the header only: nothing was traced
        }
        finally
        {
            File.Delete(junk);
        }
    }
}
