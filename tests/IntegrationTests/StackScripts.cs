using System.Diagnostics;

namespace ScaleLab.IntegrationTests;

/// <summary>Runs the local-stack scripts (infra/local/*.sh) the way ./run.sh does: bash, a verb, an environment.</summary>
public static class StackScripts
{
    public static async Task<string> RunAsync(string root, string script, string verb, IReadOnlyDictionary<string, string> env)
    {
        var (exitCode, output, error) = await TryRunAsync(root, script, verb, env);
        if (exitCode != 0) throw new InvalidOperationException($"{script} {verb} failed ({exitCode}): {error}");
        return output;
    }

    public static async Task<(int ExitCode, string Output, string Error)> TryRunAsync(
        string root, string script, string verb, IReadOnlyDictionary<string, string> env)
    {
        var info = new ProcessStartInfo("bash", $"{script} {verb}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root,
        };
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
