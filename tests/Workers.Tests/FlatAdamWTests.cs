using ScaleLab.Workers.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

/// <summary>The engine's AdamW (step and learning rate on the device, every scalar kept alive) against TorchSharp's AdamW.</summary>
public class FlatAdamWTests
{
    [Fact]
    public void Steps_match_libtorch_AdamW_with_decay_on_one_group_and_a_changing_learning_rate()
    {
        manual_seed(11);
        var (decayed, plain) = (randn(300), randn(40));
        var ours = (new Parameter(decayed.clone()), new Parameter(plain.clone()));
        var theirs = (new Parameter(decayed.clone()), new Parameter(plain.clone()));
        using var flat = new FlatAdamW([(ours.Item1, 0.1), (ours.Item2, 0.0)], 1e-3);
        var reference = optim.AdamW(
        [
            new AdamW.ParamGroup([theirs.Item1], 1e-3, FlatAdamW.Beta1, FlatAdamW.Beta2, FlatAdamW.Epsilon, 0.1, false, false),
            new AdamW.ParamGroup([theirs.Item2], 1e-3, FlatAdamW.Beta1, FlatAdamW.Beta2, FlatAdamW.Epsilon, 0.0, false, false),
        ]);
        for (var step = 0; step < 25; step++)
        {
            var lr = 1e-3 * (1 + step % 4);                        // the schedule changes it between steps
            flat.SetLearningRate(lr);
            foreach (var group in reference.ParamGroups) group.LearningRate = lr;
            var (g1, g2) = (randn(300), randn(40));
            (ours.Item1.grad, ours.Item2.grad) = (g1.clone(), g2.clone());
            (theirs.Item1.grad, theirs.Item2.grad) = (g1.clone(), g2.clone());
            flat.Step();
            reference.step();
        }
        Assert.True(ours.Item1.allclose(theirs.Item1, rtol: 1e-5, atol: 1e-6), "decayed group");
        Assert.True(ours.Item2.allclose(theirs.Item2, rtol: 1e-5, atol: 1e-6), "undecayed group");
        Assert.False(ours.Item1.allclose(decayed, rtol: 1e-3, atol: 1e-3));   // and it did move them
    }

    [Fact]
    public void Saved_state_restores_the_same_next_step()
    {
        manual_seed(12);
        var start = randn(64);
        Parameter Fresh() => new(start.clone());
        var (a, b) = (Fresh(), Fresh());
        using var first = new FlatAdamW([(a, 0.1)], 2e-3);
        for (var i = 0; i < 5; i++) { a.grad = randn(64); first.Step(); }
        using var saved = new MemoryStream();
        first.Save(new BinaryWriter(saved));
        using (no_grad()) b.copy_(a);
        using var second = new FlatAdamW([(b, 0.1)], 2e-3);
        saved.Position = 0;
        second.Load(new BinaryReader(saved));
        var gradient = randn(64);
        (a.grad, b.grad) = (gradient.clone(), gradient.clone());
        first.Step();
        second.Step();
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
    }
}
