using MathNet.Numerics.Distributions;
using ScaleLab.Scaling;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

/// <summary>Points drawn from known laws with multiplicative log-normal noise, deterministic for a seed.</summary>
public static class Synthetic
{
    /// <summary>Hoffmann et al.'s fitted law, the usual ground truth.</summary>
    public static readonly ChinchillaLaw Hoffmann = new(E: 1.69, A: 406.4, B: 410.7, Alpha: 0.34, Beta: 0.28);

    public static double[] LogSpace(double from, double to, int count) =>
        Enumerable.Range(0, count).Select(i => from * Math.Pow(to / from, i / (count - 1.0))).ToArray();

    public static List<ScalingPoint> Grid(ChinchillaLaw law, double[] ns, double[] ds, double sigma, int seed)
    {
        var noise = new Normal(0, sigma, new Random(seed));
        return (from n in ns from d in ds select new ScalingPoint(n, d, law.Predict(n, d) * Math.Exp(noise.Sample()))).ToList();
    }

    /// <summary>An IsoFLOP design: for each budget C, sizes around the law's optimum and D = C / 6N.</summary>
    public static List<ScalingPoint> IsoFlop(ChinchillaLaw law, double[] budgets, int sizesPerBudget, double sigma, int seed)
    {
        var noise = new Normal(0, sigma, new Random(seed));
        var points = new List<ScalingPoint>();
        foreach (var c in budgets)
        {
            var nOpt = law.ComputeOptimal(c).N;
            foreach (var n in LogSpace(nOpt / 8, nOpt * 8, sizesPerBudget))
            {
                var d = c / (6 * n);
                points.Add(new ScalingPoint(n, d, law.Predict(n, d) * Math.Exp(noise.Sample()), c));
            }
        }
        return points;
    }

    /// <summary>A fit that must succeed: the tests' one way to run the analysis.</summary>
    public static FitResult Fit(IReadOnlyList<ScalingPoint> points, FitOptions options)
    {
        var errors = new ValidationErrors();
        var result = ScalingAnalysis.Run(points, options, errors);
        Assert.True(errors.IsEmpty, errors.ToString());
        return result!;
    }
}
