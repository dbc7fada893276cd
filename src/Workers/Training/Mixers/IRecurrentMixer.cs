using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>A mixer with a recurrent form besides its chunked training form; the two must agree (tests hold them to it).</summary>
public interface IRecurrentMixer
{
    /// <summary>The same function as forward, computed one time step at a time.</summary>
    Tensor ForwardRecurrent(Tensor x);
}
