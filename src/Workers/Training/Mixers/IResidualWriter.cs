using TorchSharp.Modules;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>A module whose output projection writes into the residual stream (initialised smaller, as in GPT-2).</summary>
public interface IResidualWriter
{
    Linear OutputProjection { get; }
}
