using System.Text.Json.Nodes;
using ScaleLab.Scaling;

namespace ScaleLab.Client;

/// <summary>The body of POST /api/fits for the finished runs of sweeps: the service's fit request without points.</summary>
public sealed record SweepFitRequest(
    IReadOnlyList<Guid> SweepIds,
    string Law,
    int Bootstrap = 0,
    int Seed = 1,
    double? TargetCompute = null,
    double Confidence = 0.95,
    double Delta = ChinchillaFitter.DefaultDelta,
    bool IrreducibleLoss = true,
    bool FrontierOnly = true)
{
    public static string LawName(FitLaw law) => law.ToString().ToLowerInvariant();
}

/// <summary>A fit the service stored (GET /api/fits/{id} returns it again); <see cref="Result"/> has the shape of <see cref="FitResultJson"/>.</summary>
public sealed record StoredFit(Guid Id, JsonObject Result);
