using System.Diagnostics;
using System.Globalization;
using System.Text;
using ScaleLab.IntegrationTests;

// Times the refusal of every crash-class payload (tests/IntegrationTests/HostilePayloads.cs) against a running
// orchestrator: wall time seen by the client and CPU time spent by the orchestrator process (from /proc), each the
// median and the worst of several sends, and the process's peak memory before and after.
// usage: hardening-bench API_URL ORCHESTRATOR_PID API_KEY [repeats]
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: hardening-bench API_URL ORCHESTRATOR_PID API_KEY [repeats]");
    return 2;
}
var api = new HttpClient { BaseAddress = new Uri(args[0]), Timeout = TimeSpan.FromMinutes(5) };
var pid = int.Parse(args[1], CultureInfo.InvariantCulture);
var key = args[2];
var repeats = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
var ticksPerSecond = 100.0; // USER_HZ on Linux

double CpuSeconds()
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ticksPerSecond;
}

long PeakMiB() => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
    .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).Single();

async Task<(int Status, double WallMs, double CpuMs)> SendAsync(HostilePayload payload)
{
    while (true)
    {
        using var request = new HttpRequestMessage(payload.Method, payload.Path) { Content = new StringContent(payload.Body, Encoding.UTF8, payload.ContentType) };
        if (payload.NeedsKey) request.Headers.Add("X-Api-Key", key);
        var cpu = CpuSeconds();
        var clock = Stopwatch.StartNew();
        using var response = await api.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        var wall = clock.Elapsed.TotalMilliseconds;
        var spent = (CpuSeconds() - cpu) * 1000;
        if ((int)response.StatusCode != 429) return ((int)response.StatusCode, wall, spent);
        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1)); // rate-limited: not a refusal of the payload
    }
}

var peakBefore = PeakMiB();
Console.WriteLine($"| class | payload | bytes | status | wall median (ms) | wall max (ms) | orchestrator CPU median (ms) | CPU max (ms) |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
foreach (var payload in HostilePayload.All)
{
    await SendAsync(payload); // warm: the first send of a path pays for JIT
    var samples = new List<(int Status, double WallMs, double CpuMs)>();
    for (var i = 0; i < repeats; i++) samples.Add(await SendAsync(payload));
    static double Median(IEnumerable<double> xs) { var s = xs.Order().ToList(); return s[s.Count / 2]; }
    var label = $"{payload.Method} {payload.Path}" + (payload.Field is { } f ? $" → {f}" : "");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {payload.Class} | {label} | {payload.Body.Length:N0} | {string.Join("/", samples.Select(s => s.Status).Distinct())} | " +
        $"{Median(samples.Select(s => s.WallMs)):F1} | {samples.Max(s => s.WallMs):F1} | {Median(samples.Select(s => s.CpuMs)):F0} | {samples.Max(s => s.CpuMs):F0} |"));
}
Console.WriteLine();
Console.WriteLine($"Orchestrator peak resident memory: {peakBefore} MiB before, {PeakMiB()} MiB after; alive: {!Process.GetProcessById(pid).HasExited}");
Console.WriteLine("CPU is read from /proc in 10 ms ticks and includes the process's background work (Orleans, Hangfire) during the request.");
return 0;
