namespace ScaleLab.Sweeps;

/// <summary>
/// kind "isoflop": for every compute budget, models of several sizes each trained on exactly that budget
/// (D = C / the engine's FLOPs per token). Sizes are given as non-embedding parameter targets, or chosen
/// around the expected optimum: <see cref="SizesPerBudget"/> sizes log-spaced over ×/÷ <see cref="Spread"/>.
/// <see cref="LearningRates"/>, when given, trains every (budget, size) point at each rate, and fits take each point's
/// best run: the best rate moves with size (Porian et al. 2024), so one rate for all sizes biases N_opt.
/// <see cref="Adaptive"/>, when given, trains only the runs of the grid that an adaptive design picks (<see cref="AdaptiveSpec"/>).
/// </summary>
public sealed record IsoFlopDesign(
    IReadOnlyList<double> Budgets,
    IReadOnlyList<double>? Sizes = null,
    int SizesPerBudget = 5,
    double Spread = 4,
    int AspectRatio = 64,
    int HeadDim = 32,
    IReadOnlyList<double>? LearningRates = null,
    AdaptiveSpec? Adaptive = null);

/// <summary>
/// kind "ablation": the base run and, for every listed field, one run per value with only that field changed
/// (one factor at a time). <see cref="LearningRates"/>, when given, sweeps the learning rate within every arm, since
/// recurrent and linear mixers train well only in a narrow window; compare arms at their best rate.
/// </summary>
public sealed record AblationDesign(
    IReadOnlyList<SweepAxis> Variations,
    IReadOnlyList<string>? LearningRates = null);

/// <summary>
/// kind "random": <see cref="Runs"/> configs sampled from per-field distributions (Bergstra and Bengio 2012),
/// deterministic from <see cref="Seed"/>, each crossed with the axes (e.g. seeds for repeats).
/// </summary>
public sealed record RandomDesign(int Runs, ulong Seed, IReadOnlyList<ParameterDistribution> Parameters);

/// <summary>
/// How one run-config field is drawn: "uniform" [low, high], "logUniform" [low, high] (low &gt; 0), "intUniform"
/// [low, high] inclusive, or "choice" (one of the listed JSON values, equally likely).
/// </summary>
public sealed record ParameterDistribution(string Parameter, string Kind, double Low, double High, IReadOnlyList<string>? Choices);
