namespace ScaleLab.LossCurves;

/// <summary>
/// A run's loss at <see cref="Step"/> (its last, unless asked otherwise) as the annealing law fitted on what was logged
/// up to <see cref="FittedThrough"/> predicts it, with a bootstrap prediction interval at <see cref="Level"/>.
/// </summary>
/// <param name="Siblings">Finished runs of the same arm whose curves the fit shared.</param>
/// <param name="Points">Points the fit read, the run's own and its siblings'.</param>
public sealed record LossCurvePrediction(
    int Step, int FittedThrough, double Loss, double? Low, double? High, double Level, AnnealingLaw Law, int Points, int Siblings);
