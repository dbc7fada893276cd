using ScaleLab.LossCurves;
using ScaleLab.Runs;

namespace ScaleLab.Sweeps;

/// <summary>
/// What law-based stopping (<see cref="LawStopping"/>) would have done to a study whose runs all trained to the end:
/// its curves replayed as if every run started at once and trained at the same FLOPs per second, so a run reaches step
/// s at time s/steps x its FLOPs, and a shorter run of its arm has finished by the time a longer one is judged when
/// its budget is below the judged fraction of the longer one's. At each judgement the run's curve so far and its
/// arm's finished curves are predicted exactly as the orchestrator predicts them, and the rule sees the standing of
/// that moment. The compute saved is the stopped runs' untrained remainder. It measures the rule on curves whose
/// ends are known (the benchmark and the tests); the cluster runs the same rule as runs report.
/// </summary>
public static class LawStoppingReplay
{
    /// <summary>A run of the study: its config (its length and schedule), its FLOPs, its whole logged training-loss curve and its final loss.</summary>
    public sealed record Run(Guid RunId, string Name, RunConfig Config, double Flops, double Parameters, IReadOnlyList<CurvePoint> Curve, double FinalLoss);

    /// <summary>A judgement made: the prediction and, where the run stopped, why.</summary>
    public sealed record Judgement(Guid RunId, int Step, LossCurvePrediction Prediction, string? Verdict);

    public sealed record Outcome(IReadOnlyList<Judgement> Judgements, IReadOnlySet<Guid> Stopped, double PlannedFlops, double SavedFlops)
    {
        public double SavedFraction => PlannedFlops > 0 ? SavedFlops / PlannedFlops : 0;
    }

    public static Outcome Replay(IReadOnlyList<Run> runs, EarlyStopping rule, LossCurvePredictor.Options? options = null)
    {
        options ??= new LossCurvePredictor.Options();
        // Judgements come before a finish at the same moment: a run is judged on what had finished strictly before.
        var events = runs.SelectMany(r => rule.JudgedAt().Select(f => (int)Math.Ceiling(f * r.Config.Steps)).Where(s => s >= 1 && s < r.Config.Steps).Distinct()
                .Select(s => (Time: r.Flops * s / r.Config.Steps, Order: 0, Run: r, Step: s)))
            .Concat(runs.Select(r => (Time: r.Flops, Order: 1, Run: r, Step: r.Config.Steps)))
            .OrderBy(e => e.Time).ThenBy(e => e.Order).ToList();
        var status = runs.ToDictionary(r => r.RunId, _ => LawStopping.RivalStatus.Training);
        var standing = new Dictionary<Guid, double?>();
        var finished = new List<Run>();
        var judgements = new List<Judgement>();
        var stopped = new HashSet<Guid>();
        var saved = 0.0;
        foreach (var (_, order, run, step) in events)
        {
            if (stopped.Contains(run.RunId)) continue;
            if (order == 1)
            {
                status[run.RunId] = LawStopping.RivalStatus.Finished;
                standing[run.RunId] = run.FinalLoss;
                finished.Add(run);
                continue;
            }
            var arm = LossCurveArm.Key(run.Config);
            var siblings = finished.Where(f => LossCurveArm.Key(f.Config) == arm).Take(16).Select(f => LossCurve.Of(f.Config, f.Curve)).ToList();
            var curve = LossCurve.Of(run.Config, [.. run.Curve.Where(p => p.Step <= step)]);
            if (LossCurvePredictor.Predict(curve, siblings, options) is not { Low: { } low, High: { } high } prediction) continue;
            standing[run.RunId] = high;
            var candidate = new LawStopping.Candidate(run.RunId, run.Flops, run.Parameters, LawStopping.Group(run.Config), step, run.Config.Steps,
                prediction.Loss, low, high, prediction.Level);
            var rivals = runs.Select(r => new LawStopping.Rival(r.RunId, r.Name, r.Flops, r.Parameters, LawStopping.Group(r.Config), status[r.RunId], standing.GetValueOrDefault(r.RunId))).ToList();
            var verdict = LawStopping.Judge(rule, candidate, rivals);
            judgements.Add(new Judgement(run.RunId, step, prediction, verdict));
            if (verdict is null) continue;
            stopped.Add(run.RunId);
            status[run.RunId] = LawStopping.RivalStatus.Out;
            saved += run.Flops * (run.Config.Steps - step) / run.Config.Steps;
        }
        return new Outcome(judgements, stopped, runs.Sum(r => r.Flops), saved);
    }
}
