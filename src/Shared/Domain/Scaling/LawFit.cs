namespace ScaleLab.Scaling;

/// <summary>One fitted law of one group, whatever its kind: its parameters, what follows from them, and its loss-vs-compute curve.</summary>
internal abstract record LawFit
{
    public abstract IReadOnlyDictionary<string, double> Parameters { get; }

    public abstract IReadOnlyDictionary<string, double> Derived(double targetCompute);

    /// <summary>The loss this law predicts for the best use of compute C (used to find where two groups cross).</summary>
    public abstract double LossAtCompute(double compute);

    public virtual IReadOnlyList<IsoFlopProfile> Profiles => [];

    /// <summary>The compute-optimal parameters and tokens at compute C; null for laws that do not allocate (the compute law).</summary>
    public virtual (double N, double D)? AllocationAtCompute(double compute) => null;

    /// <summary>Fits the same law to a bootstrap resample, starting from this fit; null when the resample is degenerate.</summary>
    public abstract LawFit? Refit(IReadOnlyList<ScalingPoint> resample, FitOptions options);

    /// <summary>The points a bootstrap resamples from (the frontier for the compute law).</summary>
    public required IReadOnlyList<ScalingPoint> FittedPoints { get; init; }

    /// <summary>Free parameters the fit estimated from its points (for degrees of freedom).</summary>
    public abstract int FreeParameters { get; }

    /// <summary>Each point the fit used, with what the law predicts for it.</summary>
    public abstract IReadOnlyList<PointResidual> Residuals();

    /// <summary>Points of the group the law did not use, and why.</summary>
    public virtual IReadOnlyList<ExcludedPoint> Excluded => [];

    /// <summary>The loss the law predicts for a run like this one; null for laws that do not predict single runs (IsoFLOP).</summary>
    public virtual double? PredictLoss(ScalingPoint p) => null;

    protected static PointResidual Residual(ScalingPoint p, double predicted) => new(p, predicted, Math.Log(p.Loss / predicted));

    /// <summary>Fits the law; allocations use the compute curve F(N) of these points (6N when they carry no FLOPs).</summary>
    public static LawFit For(IReadOnlyList<ScalingPoint> points, FitOptions options)
    {
        var flops = FlopsPerToken.From(points);
        return options.Law switch
        {
            FitLaw.Chinchilla => new ChinchillaLawFit(ChinchillaFitter.Fit(points, options.Delta, maxThreads: options.MaxThreads, cancellation: options.Cancellation).Law, flops)
            { FittedPoints = points },
            FitLaw.Compute => ComputeLawFit.FitTo(points, options) with { GroupPoints = points },
            FitLaw.IsoFlop => IsoFlopLawFit.Create(points, flops) ?? throw new ArgumentException("no IsoFLOP budget has a minimum"),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
    }
}

/// <summary>Approach 3; allocations solve the budget under <see cref="Flops"/>, and the 6ND ones are reported beside them.</summary>
internal sealed record ChinchillaLawFit(ChinchillaLaw Law, FlopsPerToken Flops) : LawFit
{
    public override IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double>
    {
        ["E"] = Law.E, ["A"] = Law.A, ["B"] = Law.B, ["alpha"] = Law.Alpha, ["beta"] = Law.Beta,
    };

    public override IReadOnlyDictionary<string, double> Derived(double targetCompute)
    {
        var (n, d, loss) = Law.ComputeOptimal(targetCompute, Flops);
        var (n6, d6, _) = Law.ComputeOptimal(targetCompute);
        return new Dictionary<string, double>
        {
            ["a"] = Law.NOptExponent, ["b"] = Law.DOptExponent, ["N_opt"] = n, ["D_opt"] = d,
            ["tokens_per_parameter"] = d / n, ["loss_at_target"] = loss, ["N_opt_6ND"] = n6, ["D_opt_6ND"] = d6,
        };
    }

    public override double LossAtCompute(double compute) => Law.ComputeOptimal(compute, Flops).Loss;

    public override (double N, double D)? AllocationAtCompute(double compute)
    {
        var (n, d, _) = Law.ComputeOptimal(compute, Flops);
        return (n, d);
    }

    public override LawFit Refit(IReadOnlyList<ScalingPoint> resample, FitOptions options) =>
        new ChinchillaLawFit(ChinchillaFitter.Refit(resample, Law, options.Delta, options.Cancellation), Flops) { FittedPoints = resample };

    public override int FreeParameters => 5;

    public override double? PredictLoss(ScalingPoint p) => Law.Predict(p.N, p.D);

    public override IReadOnlyList<PointResidual> Residuals() => FittedPoints.Select(p => Residual(p, Law.Predict(p.N, p.D))).ToList();
}

internal sealed record ComputeLawFit(ComputeLaw Law) : LawFit
{
    public static ComputeLawFit FitTo(IReadOnlyList<ScalingPoint> points, FitOptions options)
    {
        var used = options.FrontierOnly ? ComputeLawFitter.Frontier(points) : points;
        return new ComputeLawFit(ComputeLawFitter.Fit(used, options.IrreducibleLoss, options.Delta, options.Cancellation)) { FittedPoints = used };
    }

    public override IReadOnlyDictionary<string, double> Parameters => Law.E == 0
        ? new Dictionary<string, double> { ["A"] = Law.A, ["alpha"] = Law.Alpha }
        : new Dictionary<string, double> { ["E"] = Law.E, ["A"] = Law.A, ["alpha"] = Law.Alpha };

    public override IReadOnlyDictionary<string, double> Derived(double targetCompute) =>
        new Dictionary<string, double> { ["loss_at_target"] = Law.Predict(targetCompute) };

    public override double LossAtCompute(double compute) => Law.Predict(compute);

    public override LawFit Refit(IReadOnlyList<ScalingPoint> resample, FitOptions options) =>
        new ComputeLawFit(ComputeLawFitter.Refit(resample, Law, options.Delta, options.Cancellation)) { FittedPoints = resample };

    /// <summary>Every point of the group, of which the fit may have used only the frontier.</summary>
    public IReadOnlyList<ScalingPoint> GroupPoints { get; init; } = [];

    public override int FreeParameters => Law.E == 0 ? 2 : 3;

    public override double? PredictLoss(ScalingPoint p) => Law.Predict(p.Compute);

    public override IReadOnlyList<PointResidual> Residuals() => FittedPoints.Select(p => Residual(p, Law.Predict(p.Compute))).ToList();

    public override IReadOnlyList<ExcludedPoint> Excluded => GroupPoints.Except(FittedPoints)
        .Select(p => new ExcludedPoint(p, "they lie above the compute-efficient frontier (a run with less compute reached a lower loss)")).ToList();
}

internal sealed record IsoFlopLawFit(IReadOnlyList<IsoFlopProfile> Budgets, PowerLaw NOpt, PowerLaw DOpt, ComputeLaw Frontier, FlopsPerToken Flops) : LawFit
{
    public static IsoFlopLawFit? Create(IReadOnlyList<ScalingPoint> points, FlopsPerToken flops)
    {
        var (profiles, nOpt, dOpt) = IsoFlopAnalysis.Fit(points, flops);
        if (nOpt is null || dOpt is null) return null;
        // The minima of the parabolas trace the compute-optimal loss. A parabola has no floor, so neither would a pure
        // power law through its minima (it fell below the irreducible loss at 1e25): with enough budgets the frontier
        // is L(C) = E + k·C^−γ; with fewer, loss is not extrapolated beyond the largest budget.
        var minima = profiles.Select(p => new ScalingPoint(p.NOpt, p.DOpt, p.LossAtOpt, p.Compute)).ToList();
        var floored = profiles.Count >= MinBudgetsForFloor;
        return new IsoFlopLawFit(profiles, nOpt, dOpt, ComputeLawFitter.Fit(minima, withIrreducible: floored), flops)
        { FittedPoints = points, ExtrapolatesLoss = floored };
    }

    /// <summary>The floor term makes the frontier a three-parameter law: at least one budget more than that.</summary>
    public const int MinBudgetsForFloor = 4;

    /// <summary>Whether the frontier has a floor and so may predict loss beyond the largest budget.</summary>
    public bool ExtrapolatesLoss { get; init; }

    private double LargestBudget => Budgets.Max(b => b.Compute);

    public override IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double>
    {
        ["k_N"] = NOpt.K, ["a"] = NOpt.Exponent, ["k_D"] = DOpt.K, ["b"] = DOpt.Exponent,
    };

    public override IReadOnlyDictionary<string, double> Derived(double targetCompute)
    {
        // D_opt is what the budget buys N_opt under the study's compute curve, as in each budget's own profile.
        var (n, d) = AllocationAtCompute(targetCompute)!.Value;
        return new Dictionary<string, double>
        {
            ["N_opt"] = n, ["D_opt"] = d, ["tokens_per_parameter"] = d / n, ["loss_at_target"] = LossAtCompute(targetCompute),
            ["D_opt_6ND"] = targetCompute / (6 * n),
        };
    }

    public override double LossAtCompute(double compute) =>
        ExtrapolatesLoss || compute <= LargestBudget * (1 + 1e-9) ? Frontier.Predict(compute) : double.NaN;

    public override (double N, double D)? AllocationAtCompute(double compute) => (NOpt.At(compute), Flops.Tokens(compute, NOpt.At(compute)));

    public override IReadOnlyList<IsoFlopProfile> Profiles => Budgets;

    public override LawFit? Refit(IReadOnlyList<ScalingPoint> resample, FitOptions options) => Create(resample, Flops);

    /// <summary>Three per parabola; the allocation laws are read off the vertices.</summary>
    public override int FreeParameters => 3 * Budgets.Count;

    public override IReadOnlyList<PointResidual> Residuals() =>
        IsoFlopAnalysis.GroupByBudget(FittedPoints).Select(b => (Budget: b, Profile: IsoFlopAnalysis.Profile(b, Flops)))
            .Where(x => x.Profile is not null)
            .SelectMany(x => IsoFlopAnalysis.NearTheMinimum(x.Budget).Select(p => Residual(p, Parabola(x.Profile!, p.N)))).ToList();

    public override IReadOnlyList<ExcludedPoint> Excluded =>
        IsoFlopAnalysis.GroupByBudget(FittedPoints).SelectMany(b => IsoFlopAnalysis.Profile(b, Flops) is null
            ? b.Select(p => new ExcludedPoint(p, IsoFlopAnalysis.WhyNoProfile(b)))
            : BeyondParabola(b).Select(p => new ExcludedPoint(p, IsoFlopAnalysis.OutsideParabola))).ToList();

    private static IEnumerable<ScalingPoint> BeyondParabola(IReadOnlyList<ScalingPoint> budget)
    {
        var near = IsoFlopAnalysis.NearTheMinimum(budget).Select(p => p.N).ToHashSet();
        return budget.Where(p => !near.Contains(p.N));
    }

    private static double Parabola(IsoFlopProfile profile, double n)
    {
        var x = Math.Log(n);
        return profile.Parabola[0] + profile.Parabola[1] * x + profile.Parabola[2] * x * x;
    }
}
