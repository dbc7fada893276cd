namespace ScaleLab.LossCurves;

/// <summary>
/// L(s) = L0 + A·S1(s)^−α − C·S2(s) (Tissue et al. 2024): the loss after s steps as a power law in the forward area
/// of the learning-rate schedule, less the extra drop that annealing the rate brings. One law describes every run of
/// one model and data set whatever its schedule, so a fit on logged curves predicts a curve under any schedule.
/// </summary>
/// <param name="Momentum">λ of the annealing area S2 (<see cref="ScheduleAreas"/>).</param>
public sealed record AnnealingLaw(double L0, double A, double Alpha, double C, double Momentum = ScheduleAreas.DefaultMomentum)
{
    public double Loss(double forwardArea, double annealingArea) => L0 + A * Math.Pow(forwardArea, -Alpha) - C * annealingArea;

    /// <summary>The loss after <paramref name="steps"/> steps of <paramref name="areas"/>' schedule.</summary>
    public double Loss(ScheduleAreas areas, int steps) => Loss(areas.Forward(steps), areas.Annealing(steps, Momentum));
}
