using System.Text.Json.Nodes;
using ScaleLab.Client;
using ScaleLab.Scaling;
using Spectre.Console;

namespace ScaleLab.Cli;

/// <summary>Fits the finished runs of sweeps through the API and prints the fit as `scalelab fit` prints a file's.</summary>
public static class SweepFit
{
    public static async Task<int> WriteAsync(ScaleLabApi api, string? apiKey, SweepFitRequest request, bool json, IAnsiConsole console, CancellationToken ct)
    {
        var fit = (await api.StoreFitAsync(request, apiKey, ct)).OrThrow();
        if (json)
        {
            Console.WriteLine(fit.Result.ToJsonString());
            return 0;
        }
        FitReport.Write(FitResultJson.Read(fit.Result), console);
        console.MarkupLine(Markup.Escape($"Stored as fit {fit.Id} (GET /api/fits/{fit.Id})."));
        return 0;
    }
}
