using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// A short causal depthwise convolution over the sequence (Zoology's short conv; Based's, with 3 taps): each channel
/// mixes its last K positions, padded on the left so nothing leaks from the future. Keeps PyTorch's Conv1d init.
/// </summary>
public sealed class ShortConvolution : nn.Module<Tensor, Tensor>
{
    private readonly Conv1d conv;
    private readonly int _taps;

    public ShortConvolution(int channels, int taps) : base(nameof(ShortConvolution))
    {
        conv = nn.Conv1d(channels, channels, taps, groups: channels, bias: true);
        _taps = taps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var channels = nn.functional.pad(x.transpose(1, 2), [_taps - 1, 0]);                  // (B, C, K − 1 + T)
        return conv.forward(channels).transpose(1, 2).MoveToOuterDisposeScope();             // (B, T, C)
    }
}
