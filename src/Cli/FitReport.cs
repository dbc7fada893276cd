using ScaleLab.Scaling;
using Spectre.Console;

namespace ScaleLab.Cli;

/// <summary>
/// A fit for people: parameters and derived quantities with their intervals, IsoFLOP minima, crossings; every number in
/// the app's <see cref="NumberFormat"/>, so the CLI reads as the dashboard does.
/// </summary>
public static class FitReport
{
    public static void Write(FitResult result, IAnsiConsole console)
    {
        foreach (var g in result.Groups)
        {
            var level = $"{result.Confidence:P0} interval";
            var table = new Table().Title(Markup.Escape($"{result.Law} fit · {g.Group} · {g.Points} points" +
                                          (g.BootstrapUsed > 0 ? $" · {g.BootstrapUsed} bootstrap refits" : "")))
                .Caption(Markup.Escape($"derived quantities at C = {NumberFormat.Short(result.TargetCompute)} FLOPs"))
                .AddColumns("Quantity", "Estimate", level);
            foreach (var (key, e) in g.Parameters.Concat(g.Derived)) table.AddRow(Markup.Escape(key), NumberFormat.Short(e.Value), Markup.Escape(Interval(e)));
            console.Write(table);
            if (g.Profiles.Count > 0)
            {
                var profiles = new Table().Title("IsoFLOP minima").AddColumns("Compute", "Points", "N_opt", "D_opt", "Loss at N_opt");
                foreach (var p in g.Profiles) profiles.AddRow(NumberFormat.Short(p.Compute), p.Points.ToString(), NumberFormat.Short(p.NOpt), NumberFormat.Short(p.DOpt), p.LossAtOpt.ToString("F4"));
                console.Write(profiles);
            }
            var residuals = new Table().Title(Markup.Escape($"Residuals · {g.Used.Count} points used, {g.DegreesOfFreedom} degrees of freedom"))
                .AddColumns("N", "D", "C", "Loss", "Predicted", "ln(obs/pred)");
            foreach (var r in g.Used)
                residuals.AddRow(NumberFormat.Short(r.Point.N), NumberFormat.Short(r.Point.D), NumberFormat.Short(r.Point.Compute), r.Point.Loss.ToString("F4"), r.Predicted.ToString("F4"), r.LogResidual.ToString("+0.0000;-0.0000;0.0000"));
            console.Write(residuals);
            foreach (var e in g.Excluded)
                console.MarkupLine(Markup.Escape($"left out: N={NumberFormat.Short(e.Point.N)}, D={NumberFormat.Short(e.Point.D)}, loss {e.Point.Loss:F4}: {e.Reason}"));
            if (g.Rollout is { } rollout) console.MarkupLine(Markup.Escape("rollout: " + RolloutCheckText.Of(rollout)));
            foreach (var w in g.Warnings) console.MarkupLine("[yellow]warning:[/] " + Markup.Escape(w));
        }
        foreach (var c in result.Crossings)
            console.MarkupLine(Markup.Escape(c.Compute is { } x
                ? $"{c.GroupA} and {c.GroupB} cross at C = {NumberFormat.Short(x)}{c.IntervalText()} FLOPs; above it {c.BetterAtHighCompute} is better."
                : $"{c.GroupA} and {c.GroupB} do not cross between {NumberFormat.Short(c.SearchedFrom)} and {NumberFormat.Short(c.SearchedTo)} FLOPs; {c.BetterAtHighCompute} is better at the high end."));
    }

    private static string Interval(Estimate e) => e.Low is { } lo && e.High is { } hi ? $"[{NumberFormat.Short(lo)}, {NumberFormat.Short(hi)}]" : "";
}
