using TorchSharp.Modules;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>
/// A module with projections from a fixed width (not one that grows with d_model): μP treats their weights as input
/// weights, whose initialisation and learning rate do not depend on width (<see cref="MaximalUpdate"/>).
/// </summary>
public interface IFixedInputProjections
{
    IEnumerable<Linear> FixedInputProjections { get; }
}
