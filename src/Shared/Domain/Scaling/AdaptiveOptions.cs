namespace ScaleLab.Scaling;

/// <summary>How an adaptive design (<see cref="AdaptiveDesign"/>) measures and chooses.</summary>
public sealed record AdaptiveOptions
{
    /// <summary>The quantity whose interval the design narrows.</summary>
    public DesignTarget Target { get; init; } = DesignTarget.IsoFlopExponent;

    /// <summary>Bootstrap refits behind every interval, the current one and each fantasised one.</summary>
    public int Bootstrap { get; init; } = 200;

    /// <summary>Seeds the bootstrap (the same resamples for every candidate: common random numbers) and the fantasised noise.</summary>
    public int Seed { get; init; } = 1;

    public double Confidence { get; init; } = 0.95;

    /// <summary>
    /// Fantasised outcomes per candidate: the law's prediction times e^(±σz), in antithetic pairs (and the prediction
    /// itself when odd); 1 scores the prediction alone.
    /// </summary>
    public int Fantasies { get; init; } = 2;

    /// <summary>σ of a run's log loss about the law; null: estimated from the fit's residuals, or <see cref="PriorNoise"/> where they have fewer than 2 degrees of freedom.</summary>
    public double? Noise { get; init; }

    /// <summary>σ when neither given nor estimable: a final loss varies by about 1 % between seeds at small scale.</summary>
    public double PriorNoise { get; init; } = 0.01;

    /// <summary>Threads for the bootstrap refits; results do not depend on it.</summary>
    public int MaxThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Stops the design between refits.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    [field: NonSerialized] public CancellationToken Cancellation { get; init; }

    /// <summary>The options of the fit the target is read from.</summary>
    internal FitOptions Fit => new()
    {
        Law = TargetLaw.LawOf(Target), Bootstrap = Bootstrap, Seed = Seed, Confidence = Confidence,
        MaxThreads = MaxThreads, Cancellation = Cancellation,
    };
}
