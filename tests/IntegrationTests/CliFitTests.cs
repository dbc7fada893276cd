using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScaleLab.Scaling;

namespace ScaleLab.IntegrationTests;

/// <summary>`scalelab fit` as a user runs it: a separate process, no service, JSON on stdout, errors on stderr.</summary>
public class CliFitTests
{
    private static readonly string Root = FindRoot();

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        info.ArgumentList.Add(Path.Combine(Root, "src/Cli/bin/Debug/net10.0/scalelab.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Chinchilla_fit_prints_one_json_object_with_the_law_and_its_intervals()
    {
        var (exit, stdout, stderr) = await RunAsync("fit", "examples/fits/chinchilla-synthetic.csv", "--law", "chinchilla", "--bootstrap", "30", "--json");

        Assert.True(exit == 0, stderr);
        var json = JsonDocument.Parse(stdout.Trim()).RootElement;
        foreach (var key in new[] { "E", "A", "B", "alpha", "beta" })
        {
            Assert.True(json.GetProperty(key).GetDouble() > 0, key);
            Assert.Equal(2, json.GetProperty("intervals").GetProperty(key).GetArrayLength());
        }
        Assert.InRange(json.GetProperty("alpha").GetDouble(), 0.30, 0.38); // generated with alpha = 0.34
        Assert.InRange(json.GetProperty("beta").GetDouble(), 0.25, 0.31);  // and beta = 0.28
    }

    [Fact]
    public async Task IsoFlop_and_compute_laws_print_their_own_parameters()
    {
        var iso = await RunAsync("fit", "examples/fits/isoflop-synthetic.csv", "--law", "isoflop", "--json");
        var compute = await RunAsync("fit", "examples/fits/mixers-compute.csv", "--law", "compute", "--json");

        Assert.Equal(0, iso.Exit);
        var isoJson = JsonDocument.Parse(iso.Out.Trim()).RootElement;
        Assert.Equal(4, isoJson.GetProperty("profiles").GetArrayLength());
        Assert.InRange(isoJson.GetProperty("a").GetDouble(), 0.42, 0.48);
        Assert.Equal(0, compute.Exit);
        var computeJson = JsonDocument.Parse(compute.Out.Trim()).RootElement;
        Assert.True(computeJson.GetProperty("groups").TryGetProperty("softmax", out var softmax));
        Assert.InRange(softmax.GetProperty("alpha").GetDouble(), 0.05, 0.08);
        Assert.Single(computeJson.GetProperty("crossings").EnumerateArray());
    }

    [Fact]
    public async Task The_report_writes_compute_in_the_apps_number_format()
    {
        var json = JsonDocument.Parse((await RunAsync("fit", "examples/fits/mixers-compute.csv", "--law", "compute", "--bootstrap", "100", "--json")).Out).RootElement;

        var (exit, stdout, stderr) = await RunAsync("fit", "examples/fits/mixers-compute.csv", "--law", "compute", "--bootstrap", "100");

        Assert.True(exit == 0, stderr);
        var printed = Regex.Replace(stdout, @"\s+", " ");   // captions wrap at the table's width
        Assert.Contains($"derived quantities at C = {NumberFormat.Short(json.GetProperty("targetCompute").GetDouble())} FLOPs", printed);
        var crossing = json.GetProperty("crossings")[0];
        var (at, interval) = (crossing.GetProperty("compute").GetDouble(), crossing.GetProperty("interval"));
        // 8.343E+17 [5.989E+17, 1.005E+18], as the dashboard writes them.
        Assert.Contains($"linear and softmax cross at C = {NumberFormat.Short(at)} [{NumberFormat.Short(interval[0].GetDouble())}, {NumberFormat.Short(interval[1].GetDouble())}] FLOPs", printed);
    }

    [Fact]
    public async Task Bad_input_exits_2_with_the_problem_on_stderr()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"scalelab-bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "n,tokens,loss\n1e7,1e9,3\n");
        try
        {
            var missingColumn = await RunAsync("fit", csv, "--json");
            var missingFile = await RunAsync("fit", "no/such/file.csv");
            var badLaw = await RunAsync("fit", csv, "--law", "magic");

            Assert.Equal(2, missingColumn.Exit);
            Assert.Contains("csv: has no column 'd'", missingColumn.Err);
            Assert.Equal("", missingColumn.Out);
            Assert.Equal(2, missingFile.Exit);
            Assert.NotEqual(0, badLaw.Exit);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new InvalidOperationException("Orchestrator.sln not found");
    }
}
