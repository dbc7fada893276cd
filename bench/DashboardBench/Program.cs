// Dashboard responsiveness with 1,000 runs in a sweep: seeds finished sweeps straight into PostgreSQL, then measures
// (1) fetching every run's curve through the REST API, one call per run (the old page) against one batched call,
// (2) a real browser (Debian's Chromium) opening the sweep page until all curves are drawn, and
// (3) Plotly redrawing those curves as WebGL against SVG (what the page draws lines with), and (4) where the page open's
// time goes (PageOpenPhases).
// usage: dashboard-bench <dashboard url> <api url> <postgres connection string> [runs=1000]
using System.Diagnostics;
using Microsoft.Playwright;
using Npgsql;
using ScaleLab.Bench;
using ScaleLab.Client;

var dashboard = new Uri(args[0]);
var api = new ScaleLabApi(new HttpClient { BaseAddress = new Uri(args[1]) });
var postgres = args[2];
var runs = args.Length > 3 ? int.Parse(args[3]) : 1000;
const int Reps = 3;

await using var db = NpgsqlDataSource.Create(postgres);
var stamp = DateTime.UtcNow.ToString("HHmmss");
var sweeps = new List<(string Label, Guid Id, int Stored)>();
foreach (var points in new[] { 10, 1000 })
{
    var clock = Stopwatch.StartNew();
    sweeps.Add(($"{runs} runs × {points} points", await Seeder.SeedAsync(db, $"bench-{runs}x{points}-{stamp}", runs, points), runs * points));
    Console.Error.WriteLine($"seeded {runs} × {points} in {clock.Elapsed.TotalSeconds:F1} s");
}

static async Task<double> MedianMs(Func<Task> action, int reps = Reps)
{
    var times = new List<double>();
    for (var i = 0; i < reps; i++)
    {
        var clock = Stopwatch.StartNew();
        await action();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    return times.Order().ElementAt(times.Count / 2);
}

var rows = new List<string[]>();
var openPhases = new List<string[]>();
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = "/usr/bin/chromium", Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
foreach (var (label, sweepId, stored) in sweeps)
{
    var detail = (await api.GetSweepAsync(sweepId))!;
    var ids = detail.Runs.Select(r => r.Id).ToList();
    var perCurve = Math.Clamp(20_000 / ids.Count, 20, 300); // the sweep page's budget
    await api.GetCurvesAsync(ids, "loss", perCurve);   // warm the API and its connection pool
    var perRun = await MedianMs(() => Task.WhenAll(ids.Select(id => api.GetMetricAsync(id, "loss", perCurve))));
    var batched = await MedianMs(() => api.GetCurvesAsync(ids, "loss", perCurve));
    var drawnPoints = (await api.GetCurvesAsync(ids, "loss", perCurve)).Sum(s => s.Steps.Count);
    var sweepMs = await MedianMs(() => api.GetSweepAsync(sweepId));

    var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
    await page.AddInitScriptAsync(PageOpenPhases.Script);
    var phases = new List<double[]>();
    var open = await MedianMs(async () =>
    {
        await page.GotoAsync(new Uri(dashboard, $"sweeps/{sweepId}").ToString());
        // WebGL traces draw on a canvas (no SVG .trace elements): wait for Plotly's own record of the points drawn.
        await page.WaitForFunctionAsync(
            $"(document.getElementById('sweep-loss')?._fullData ?? []).reduce((n, t) => n + (t.x?.filter(v => v !== null).length ?? 0), 0) >= {drawnPoints}",
            null, new() { Timeout = 120_000 });
        phases.Add(await page.EvaluateAsync<double[]>(PageOpenPhases.Read));
    });
    openPhases.Add([label, .. PageOpenPhases.Medians(phases)]);
    var traces = await page.EvaluateAsync<int>("document.getElementById('sweep-loss')._fullData.length");
    var react = await page.EvaluateAsync<double[]>("""
        async () => {
          const el = document.getElementById('sweep-loss');
          // Hover over the chart as the page drew it, at five points (Plotly defers a hover within 50 ms of the last).
          const hovers = [];
          for (const point of [3, 5, 7, 9, 11]) {
            await new Promise(resolve => setTimeout(resolve, 60));
            const h = performance.now();
            Plotly.Fx.hover(el, [{ curveNumber: 0, pointNumber: point }]);
            hovers.push(performance.now() - h);
          }
          const hover = hovers.sort((a, b) => a - b)[2];
          // A page that draws with Plotly's basic bundle (SVG only) has the full one, with WebGL, loaded for the comparison.
          const full = document.querySelector('script[data-plotly-webgl]')?.dataset.plotlyWebgl;
          if (full && !document.querySelector(`script[src="${full}"]`)) {
            await new Promise((resolve, reject) => document.head.appendChild(Object.assign(document.createElement('script'), { src: full, onload: resolve, onerror: reject })));
            await Plotly.newPlot(el, el.data, el.layout);
          }
          const as = type => el.data.map(t => ({ ...t, type }));
          const time = async data => { const s = performance.now(); await Plotly.react(el, data, el.layout); return performance.now() - s; };
          const median = async data => { const t = []; for (let i = 0; i < 3; i++) t.push(await time(data)); return t.sort((a, b) => a - b)[1]; };
          const gl = await median(as('scattergl')), svg = await median(as('scatter'));
          // The same curves as one trace per run (what the page drew before merging by colour).
          const perRun = [];
          for (const t of el.data) {
            let x = [], y = [];
            t.x.forEach((v, i) => { if (v === null) { perRun.push({ ...t, x, y, text: undefined }); x = []; y = []; } else { x.push(v); y.push(t.y[i]); } });
          }
          const split = await median(perRun);
          const webgl = !!document.createElement('canvas').getContext('webgl');
          return [gl, svg, hover, webgl ? 1 : 0, split, perRun.length];
        }
        """);
    await page.ScreenshotAsync(new() { Path = $"/tmp/dashboard-bench-{stored}.png" });
    await page.CloseAsync();
    rows.Add([label, stored.ToString("N0"), $"{drawnPoints:N0} in {traces} traces", $"{perRun:F0}", $"{batched:F0}", $"{perRun / batched:F1}x",
        $"{sweepMs:F0}", $"{open:F0}", $"{react[0]:F0}", $"{react[1]:F0}", $"{react[1] / react[0]:F1}x", $"{react[2]:F1}", $"{react[4]:F0}", $"{react[4] / react[0]:F0}x", react[3] == 1 ? "yes" : "no"]);
}

Console.WriteLine($"| sweep | metric rows stored | points drawn | curves: one call per run (ms) | curves: one batched call (ms) | per-run / batched | sweep detail (ms) | page open until all curves drawn (ms) | redraw, WebGL (ms) | redraw, SVG (ms) | SVG / WebGL | hover (ms) | redraw, one trace per run (ms) | per run / merged | WebGL available |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
foreach (var row in rows) Console.WriteLine("| " + string.Join(" | ", row) + " |");
Console.WriteLine();
Console.WriteLine($"| sweep | {string.Join(" | ", PageOpenPhases.Names)} |");
Console.WriteLine("|---|" + string.Concat(PageOpenPhases.Names.Select(_ => "---|")));
foreach (var row in openPhases) Console.WriteLine("| " + string.Join(" | ", row) + " |");
Console.WriteLine();
Console.WriteLine($"Medians of {Reps}. Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}.");
