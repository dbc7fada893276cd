namespace ScaleLab.Scaling;

/// <summary>
/// Target <see cref="DesignTarget.CrossingCompute"/>: log10 of the compute where the compute-optimal loss curves of two
/// groups (two architectures) cross, each group's L(N, D) fitted as a <c>chinchilla</c> fit with groups fits it, the
/// crossing searched as <see cref="ScalingAnalysis"/> searches it, and its interval the fit's own
/// (<see cref="FrontierCrossings.WithInterval"/>: replicate k of each group's refits, drawn from the same seed, paired).
/// A run's loss is its group's law at its N and D.
/// </summary>
internal sealed class CrossingTargetLaw : TargetLaw
{
    private readonly GroupFit[] _groups;
    private readonly double _from, _to;

    private CrossingTargetLaw(IReadOnlyList<ScalingPoint> points, GroupFit[] groups) : base(points)
    {
        _groups = groups;
        (_from, _to) = (points.Min(p => p.Compute) / ScalingAnalysis.SearchBelow, points.Max(p => p.Compute) * ScalingAnalysis.SearchAbove);
        Value = Cross(groups[0].Scan(_from, _to), groups[1].Scan(_from, _to));
    }

    /// <summary>
    /// Null unless the points are two groups, each supporting an L(N, D) fit. Curves that do not cross in the range
    /// searched give a law whose value is NaN: the design then seeks the runs that make more refit pairs cross.
    /// </summary>
    public static CrossingTargetLaw? Fit(IReadOnlyList<ScalingPoint> points, FitOptions options, CrossingTargetLaw? start = null)
    {
        var byGroup = points.GroupBy(p => p.Group ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, Points: g.ToList())).ToList();
        if (byGroup.Count != 2 || !byGroup.All(g => Supports(g.Points))) return null;
        // A design's candidate changes one architecture's points: the other's fit, and its refits, stay as they were.
        var groups = byGroup.Select((g, i) => start?._groups[i] is { } was && was.Name == g.Key && was.Fit.FittedPoints.SequenceEqual(g.Points)
            ? was
            : (start is null ? LawFit.For(g.Points, options) : start._groups[i].Fit.Refit(g.Points, options)) is { } fit ? new GroupFit(g.Key, fit) : null).ToArray();
        if (groups.Any(g => g is null)) return null;
        return new CrossingTargetLaw(points, groups!);
    }

    private static bool Supports(IReadOnlyList<ScalingPoint> points) =>
        points.Count > 5 && points.Select(p => p.N).Distinct().Count() >= 2 && points.Select(p => p.D).Distinct().Count() >= 2;

    public override double Value { get; }

    /// <summary>log10 of the last crossing in the range, NaN where the curves do not cross there.</summary>
    private double Cross(FrontierScan a, FrontierScan b) =>
        FrontierCrossings.Find(_groups[0].Name, a, _groups[1].Name, b).Compute is { } c ? Math.Log10(c) : double.NaN;

    public override double PredictLoss(CandidateRun run)
    {
        var group = _groups.FirstOrDefault(g => g.Name == (run.Group ?? ""));
        return group?.Fit.PredictLoss(run.Trained(double.NaN)) ?? double.NaN;
    }

    public override TargetInterval Interval(FitOptions options)
    {
        var replicates = _groups[0].ReplicateScans(options, _from, _to).Zip(_groups[1].ReplicateScans(options, _from, _to),
            (x, y) => x is null || y is null ? double.NaN : Cross(x, y)).ToList();
        return new TargetInterval(Estimate.From(Value, replicates, options.Confidence), options.Bootstrap, replicates.Count(double.IsFinite));
    }

    /// <summary>Unused: the interval pairs the groups' own resamples (<see cref="Interval"/>).</summary>
    protected override double Replicate(IReadOnlyList<ScalingPoint> resample, FitOptions options) => throw new NotSupportedException();

    public override TargetLaw? Refit(IReadOnlyList<ScalingPoint> points, FitOptions options) => Fit(points, options, this);

    protected override (IReadOnlyList<double> Residuals, int FreeParameters) Fitted() =>
        (_groups.SelectMany(g => g.Fit.Residuals().Select(r => r.LogResidual)).ToList(), _groups.Sum(g => g.Fit.FreeParameters));

    /// <summary>
    /// One architecture's fit, with its scan and its bootstrap refits' scans once made: the same points and options
    /// give the same refits, so the architecture a candidate leaves alone is refitted and scanned once per step.
    /// </summary>
    private sealed class GroupFit(string name, LawFit fit)
    {
        private readonly Dictionary<(double From, double To), FrontierScan> _scans = [];
        private readonly Dictionary<(int Bootstrap, int Seed, double Delta), LawFit?[]> _replicates = [];
        private readonly Dictionary<(int Bootstrap, int Seed, double Delta, double From, double To), FrontierScan?[]> _replicateScans = [];

        public string Name => name;

        public LawFit Fit => fit;

        public FrontierScan Scan(double from, double to)
        {
            lock (_scans)
            {
                if (!_scans.TryGetValue((from, to), out var scan)) _scans[(from, to)] = scan = new FrontierScan(fit, from, to);
                return scan;
            }
        }

        public FrontierScan?[] ReplicateScans(FitOptions options, double from, double to)
        {
            lock (_replicateScans)
            {
                var key = (options.Bootstrap, options.Seed, options.Delta, from, to);
                if (_replicateScans.TryGetValue(key, out var scans)) return scans;
                var replicates = Replicates(options);
                scans = new FrontierScan?[replicates.Length];
                Parallel.For(0, replicates.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxThreads), CancellationToken = options.Cancellation },
                    k => scans[k] = replicates[k] is { } r ? new FrontierScan(r, from, to) : null);
                return _replicateScans[key] = scans;
            }
        }

        private LawFit?[] Replicates(FitOptions options)
        {
            lock (_replicates)
            {
                var key = (options.Bootstrap, options.Seed, options.Delta);
                if (!_replicates.TryGetValue(key, out var replicates))
                    _replicates[key] = replicates = Bootstrap.Replicates(fit.FittedPoints, options, r => fit.Refit(r, options));
                return replicates;
            }
        }
    }
}
