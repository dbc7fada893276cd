using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Workers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

public class DecoderLMTests
{
    private static readonly RunConfig Tiny = new() { DModel = 32, NLayers = 2, NHeads = 4, SeqLen = 16, BatchSize = 2 };

    [Fact]
    public void Parameter_count_matches_the_accounting()
    {
        using var model = new DecoderLM(Tiny);
        var actual = model.parameters().Sum(p => p.numel());
        Assert.Equal(TransformerShape.TotalParameters(Tiny), actual);
    }

    [Fact]
    public void Changing_future_tokens_never_changes_earlier_outputs()
    {
        manual_seed(3);
        using var model = new DecoderLM(Tiny);
        model.eval();
        using var _ = no_grad();
        var a = randint(0, 256, [2, 16], dtype: int64);
        var b = a.clone();
        b[TensorIndex.Colon, TensorIndex.Slice(10)] = randint(0, 256, [2, 6], dtype: int64);

        var la = model.forward(a);
        var lb = model.forward(b);

        Assert.True(la[TensorIndex.Colon, TensorIndex.Slice(0, 10)].allclose(lb[TensorIndex.Colon, TensorIndex.Slice(0, 10)], rtol: 0, atol: 1e-6));
        Assert.False(la[TensorIndex.Colon, TensorIndex.Slice(10)].allclose(lb[TensorIndex.Colon, TensorIndex.Slice(10)]));
    }

    [Fact]
    public void Gradients_reach_every_parameter()
    {
        using var model = new DecoderLM(Tiny);
        var input = randint(0, 256, [2, 16], dtype: int64);
        var logits = model.forward(input);
        nn.functional.cross_entropy(logits.view(-1, 256), input.view(-1)).backward();

        foreach (var (name, p) in model.named_parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name} got no gradient");
        }
    }
}
