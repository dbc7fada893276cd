using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Catalog;
using ScaleLab.LossCurves;
using ScaleLab.Orchestrator.Catalog;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Scaling;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Runs;

/// <summary>
/// GET /api/runs/{id}/prediction: a run's final training loss predicted by the annealing law from its logged loss and
/// the curves of up to <see cref="MaxSiblings"/> finished runs of its arm in its sweep (<see cref="LossCurveArm"/>).
/// The fit runs in the fit service's slots and time limit (<see cref="FitRunner"/>), and each answer is kept until the
/// run logs a new point or a sibling finishes, and for at least <see cref="Fresh"/>: a page that polls a fast run costs
/// at most one fit per that time, not one per logged point. A ladder's branch shares its first steps with its trunk, so
/// its curve starts with the trunk's up to the branch point: a branch is predicted before it trains (the trunk, its
/// cooldown included, being the sibling that teaches the law its annealing term).
/// </summary>
public sealed class LossPredictions(IDbContextFactory<ScaleLabDb> dbs, CatalogQueries queries, FitRunner fits, TimeProvider clock)
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(10);

    public const int MaxSiblings = 16, CurvePoints = 100, MaxKept = 1000;

    /// <summary>Bootstrap refits per prediction: enough for a 90% interval's ends, and well inside the fit time limit.</summary>
    public const int Bootstrap = 200;

    private readonly ConcurrentDictionary<Guid, (string Version, DateTimeOffset At, LossPredictionView View)> _answers = new();

    public async Task<LossPredictionView?> PredictAsync(Guid runId, CancellationToken ct)
    {
        // A page polling every few seconds is answered from what was kept, without reading the curves again.
        if (_answers.TryGetValue(runId, out var recent) && clock.GetUtcNow() - recent.At < Fresh) return recent.View;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId)
            .Select(r => new { r.SweepId, r.ConfigJson, r.PlannedTokens, r.ParentRunId, r.FirstStep }).FirstOrDefaultAsync(ct);
        if (run is null) return null;
        // A run trained elsewhere may leave tokens out of its config: its length is what it was registered with.
        var config = JsonSerializer.Deserialize<RunConfig>(run.ConfigJson, SpecJson.Options)! with { Tokens = run.PlannedTokens };
        var arm = LossCurveArm.Key(config);
        var finished = await db.Runs.AsNoTracking()
            .Where(r => r.SweepId == run.SweepId && r.Id != runId && r.Status == RunStatus.Succeeded)
            .OrderBy(r => r.CreatedAt).Select(r => new { r.Id, r.ConfigJson, r.PlannedTokens }).Take(10_000).ToListAsync(ct);
        var siblings = finished.Select(r => (r.Id, Config: JsonSerializer.Deserialize<RunConfig>(r.ConfigJson, SpecJson.Options)! with { Tokens = r.PlannedTokens }))
            .Where(r => LossCurveArm.Key(r.Config) == arm).Take(MaxSiblings).ToList();
        List<Guid> curves = [runId, .. siblings.Select(s => s.Id)];
        if (run.ParentRunId is { } parent && !curves.Contains(parent)) curves.Add(parent); // a parent still training is no sibling yet
        var series = await queries.GetMetricsAsync(curves, MetricNames.Loss, AnnealingLawFitter.MaxPointsPerCurve, ct);

        var own = series[0];
        var parentSeries = run.ParentRunId is { } parentId ? series[curves.IndexOf(parentId)] : null;
        var version = $"{own.Steps.LastOrDefault()}:{parentSeries?.Steps.LastOrDefault()}:{string.Join(',', siblings.Select(s => s.Id))}";
        var ownPoints = parentSeries is null ? Points(own)
            : [.. Points(parentSeries).Where(p => p.Step <= run.FirstStep), .. Points(own).Where(p => p.Step > run.FirstStep)];
        if (_answers.TryGetValue(runId, out var kept) && kept.Version == version) return kept.View;

        var curveSteps = Enumerable.Range(0, CurvePoints + 1)
            .Select(i => config.WarmupSteps + 1 + (int)((long)(config.Steps - config.WarmupSteps - 1) * i / CurvePoints))
            .Where(s => s >= 1 && s <= config.Steps).Distinct().ToList();
        var curve = LossCurve.Of(config, ownPoints, curveSteps);
        var siblingCurves = siblings.Select((s, i) => LossCurve.Of(s.Config, Points(series[i + 1]))).ToList();
        var fitted = curve.Points.Count == 0 ? 0 : curve.Points.Max(p => p.Step);
        var ids = siblings.Select(s => s.Id).ToList();

        if (LossCurvePredictor.WhyNot(curve, siblingCurves) is { } why) return Unavailable(runId, config, fitted, ids, why);
        var (ran, answer) = await fits.RunInSlotAsync(token =>
            LossCurvePredictor.Predict(curve, siblingCurves, new LossCurvePredictor.Options(Bootstrap, MaxThreads: 1, Cancellation: token)), ct);
        if (!ran) return Unavailable(runId, config, fitted, ids, "the fit service is busy or the fit ran out of time; try again in a few seconds");
        if (answer is null) return Unavailable(runId, config, fitted, ids, "the law could not be fitted to these curves");

        var law = answer.Law;
        var view = new LossPredictionView(runId, answer.Step, answer.FittedThrough, answer.Loss, answer.Low, answer.High, answer.Level,
            new LossLawView(law.L0, law.A, law.Alpha, law.C, law.Momentum), answer.Points, ids,
            curveSteps, curveSteps.Select(s => law.Loss(curve.Areas, s)).ToList());
        if (_answers.Count >= MaxKept) _answers.Clear();   // a bound, not a policy: answers are cheap to make again
        _answers[runId] = (version, clock.GetUtcNow(), view);
        return view;
    }

    private static List<CurvePoint> Points(MetricSeries series) =>
        series.Steps.Zip(series.Values).Select(p => new CurvePoint(p.First, p.Second)).ToList();

    private static LossPredictionView Unavailable(Guid runId, RunConfig config, int fitted, IReadOnlyList<Guid> siblings, string reason) =>
        new(runId, config.Steps, fitted, null, null, null, 0.9, null, 0, siblings, [], [], reason);
}
