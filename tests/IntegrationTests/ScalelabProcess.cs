using System.Diagnostics;

namespace ScaleLab.IntegrationTests;

/// <summary>The `scalelab` CLI as a user runs it against the test cluster: a separate process, stdout and stderr apart.</summary>
public static class ScalelabProcess
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(ClusterFixture cluster, TimeSpan timeout, params string[] args)
    {
        using var process = Start(cluster, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scalelab {string.Join(' ', args)} ran over {timeout}:{Environment.NewLine}{await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The CLI started with stdout and stderr redirected, for a test that reads its output as it comes.</summary>
    public static Process Start(ClusterFixture cluster, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cluster.Root };
        info.ArgumentList.Add(Path.Combine(cluster.Root, "src/Cli/bin/Debug/net10.0/scalelab.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["SCALELAB_API"] = cluster.Api.BaseAddress!.AbsoluteUri;
        info.Environment["SCALELAB_API_KEY"] = ClusterFixture.ApiKey;
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";   // numbers as the tests format them, whatever the machine's locale
        return Process.Start(info)!;
    }
}
