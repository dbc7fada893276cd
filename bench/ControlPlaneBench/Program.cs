// The control plane under a backlog: queues Bench:Runs tiny runs through the REST API, then joins the orchestrator's
// cluster as a silo of Bench:Slots simulated worker slots and measures, over Bench:WindowSeconds (or until the queue
// drains), dispatches per second, queue wait, the slots' idle gap, WAL bytes per dispatch, the scheduler's stored
// state and the orchestrator's peak memory. Progress goes to stderr; the result is one table row on stdout.
// usage: control-plane-bench --ConnectionStrings:Postgres=... --Orleans:ClusterId=... --Bench:ApiUrl=... --Bench:ApiKeys:0=...
//        --Bench:OrchestratorPid=... [--Bench:Runs=1000] (see BenchOptions; bench/control-plane.sh sets them all)
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ScaleLab.Bench;
using ScaleLab.Hosting;

var builder = Host.CreateApplicationBuilder(args);
var options = builder.Configuration.GetSection("Bench").Get<BenchOptions>() ?? new BenchOptions();
var postgres = builder.Configuration.GetConnectionString("Postgres") ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set");
builder.Logging.ClearProviders().AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
    .AddFilter("Orleans", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton<SimulatedTrainingHost>();
builder.UseScaleLabSilo(postgres, defaultSiloPort: 11312, defaultGatewayPort: 0);
builder.Services.AddHostedService<SimulatedHeartbeat>(); // after the silo, so it stops before the silo does
using var silo = builder.Build();

await using var db = NpgsqlDataSource.Create(postgres);
var probe = new ControlPlaneProbe(db, options.OrchestratorPid);
var filler = new QueueFiller(options);

// 1. The backlog, before any slot exists, so nothing is dispatched while it builds.
Console.Error.WriteLine($"Submitting {options.Runs} runs...");
var submitting = Stopwatch.StartNew();
var (queued, capped) = await filler.SubmitAsync();
var submitSeconds = submitting.Elapsed.TotalSeconds;
while (await filler.QueuedRunsAsync() < queued) await Task.Delay(500);
Console.Error.WriteLine($"{queued} runs queued in {submitSeconds:F0} s{(capped ? " (submission cap reached)" : "")}; the slots join");

// 2. The slots join and the window runs. It opens once the silo has started: the slots' first heartbeats, which
// dispatch the first runs, go out then.
await silo.StartAsync();
var (start, startLsn) = await probe.MarkAsync();
var host = silo.Services.GetRequiredService<SimulatedTrainingHost>();
var window = Stopwatch.StartNew();
long peakRss = 0;
var nextCheck = TimeSpan.Zero;
while (window.Elapsed < TimeSpan.FromSeconds(options.WindowSeconds))
{
    peakRss = Math.Max(peakRss, probe.OrchestratorRssBytes());
    if (window.Elapsed >= nextCheck)
    {
        nextCheck += TimeSpan.FromSeconds(5);
        var left = await probe.UnstartedRunsAsync();
        Console.Error.WriteLine($"  {window.Elapsed.TotalSeconds,5:F0} s: {queued - left} runs started, RSS {peakRss / 1e6:F0} MB");
        if (left == 0) break;
    }
    await Task.Delay(250);
}
var (end, _) = await probe.MarkAsync();
var walBytes = await probe.WalBytesSinceAsync(startLsn);
var gaps = host.GapsMs.ToArray();
var (started, waitP50, waitP99) = await probe.StartsAsync(start, end);
var stateBytes = await probe.SchedulerStateBytesAsync();
await silo.StopAsync();

var seconds = (end - start).TotalSeconds;
Console.Error.WriteLine($"{started} runs started in {seconds:F1} s; {gaps.Length} slot gaps; {host.FailedCalls} failed grain calls; WAL {walBytes / 1e6:F1} MB");
Console.WriteLine($"| {queued:N0}{(capped ? $" (of {options.Runs:N0}: submission stopped at {submitSeconds:F0} s)" : "")} | {started / seconds:F2} " +
    $"| {waitP50:F1} s / {waitP99:F1} s | {(gaps.Length == 0 ? "–" : $"{Percentile(gaps, 0.5):F0} ms / {Percentile(gaps, 0.99):F0} ms")} " +
    $"| {(started == 0 ? "–" : $"{walBytes / (double)started / 1024:N0} KiB")} | {stateBytes / 1024.0:N0} KiB | {peakRss / 1e6:F0} |");
return 0;

/// <summary>Nearest-rank percentile of at least one sample.</summary>
static double Percentile(double[] values, double p)
{
    Array.Sort(values);
    return values[Math.Clamp((int)Math.Ceiling(p * values.Length) - 1, 0, values.Length - 1)];
}
