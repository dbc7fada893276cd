using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace ScaleLab.Scaling;

/// <summary>
/// Minimises a smooth objective with MathNet's L-BFGS from each of several starting points and keeps the best.
/// The objective fills the gradient array and returns the value. A start whose line search gives up still
/// contributes the best point it evaluated, so an ill-conditioned start never loses progress.
/// </summary>
internal static class LbfgsFromStarts
{
    /// <summary>
    /// Stopping rules close to scipy's L-BFGS-B defaults (gtol 1e-5, ftol 2.2e-9), which the published fits used;
    /// tighter ones buy digits far below the bootstrap noise at many times the cost.
    /// </summary>
    public static class Tolerances
    {
        public const double Gradient = 1e-5;
        public const double Parameter = 1e-10;
        public const double FunctionProgress = 2.2e-9;
    }

    /// <summary>Objective evaluations so far on this thread (for benchmarks).</summary>
    [ThreadStatic] public static long Evaluations;

    public delegate double Objective(double[] theta, double[] gradient);

    /// <summary>
    /// Every start is independent, so they run on up to <paramref name="maxThreads"/> threads; the reduction picks the
    /// lowest value and, on ties, the earliest start, so the answer does not depend on the thread count.
    /// The objective must be safe to call from several threads (ours are pure).
    /// </summary>
    public static (double[] Theta, double Value) Minimize(Objective objective, IEnumerable<double[]> starts, int maxThreads = 1,
        CancellationToken cancellation = default)
    {
        var list = starts as IReadOnlyList<double[]> ?? starts.ToList();
        if (list.Count == 0) throw new InvalidOperationException("no starting point");
        var results = new (double[] Theta, double Value)[list.Count];
        Parallel.For(0, list.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxThreads), CancellationToken = cancellation },
            i => results[i] = MinimizeFrom(objective, list[i], cancellation));
        var best = 0;
        for (var i = 1; i < results.Length; i++)
            if (results[i].Value < results[best].Value) best = i;
        return results[best];
    }

    public static (double[] Theta, double Value) MinimizeFrom(Objective objective, double[] start, CancellationToken cancellation = default)
    {
        var n = start.Length;
        var bestTheta = (double[])start.Clone();
        var bestValue = double.PositiveInfinity;
        var gradient = new double[n];
        var function = ObjectiveFunction.Gradient(v =>
        {
            cancellation.ThrowIfCancellationRequested();
            Evaluations++;
            var theta = v.ToArray();
            var value = objective(theta, gradient);
            if (!double.IsFinite(value)) return (double.MaxValue, Vector<double>.Build.Dense(n));
            if (value < bestValue) (bestValue, bestTheta) = (value, theta);
            return (value, Vector<double>.Build.DenseOfArray((double[])gradient.Clone()));
        });
        try
        {
            new LimitedMemoryBfgsMinimizer(gradientTolerance: Tolerances.Gradient, parameterTolerance: Tolerances.Parameter, functionProgressTolerance: Tolerances.FunctionProgress,
                memory: 10, maximumIterations: 400).FindMinimum(function, Vector<double>.Build.DenseOfArray(start));
        }
        catch (Exception ex) when (ex is MaximumIterationsException or InnerOptimizationException or OptimizationException or ArgumentException)
        {
            // Converged as far as this start allows; the best point seen is kept below.
        }
        return (bestTheta, bestValue);
    }

    /// <summary>The cartesian product of per-parameter grids.</summary>
    public static IEnumerable<double[]> Grid(params double[][] axes)
    {
        var index = new int[axes.Length];
        while (true)
        {
            yield return axes.Select((axis, i) => axis[index[i]]).ToArray();
            var k = axes.Length - 1;
            while (k >= 0 && ++index[k] == axes[k].Length) index[k--] = 0;
            if (k < 0) yield break;
        }
    }

    public static double[] Range(double from, double to, double step) =>
        Enumerable.Range(0, (int)Math.Round((to - from) / step) + 1).Select(i => from + i * step).ToArray();
}
