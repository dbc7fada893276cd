using ScaleLab.Runs;
using ScaleLab.Workers.Training.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// The coordinate check, μP's standard diagnostic (Yang et al. 2022; the mup package's coord_check): one config
/// trained a few steps at several widths, recording at initialisation and after each step the mean |x| of the token
/// embedding's output, of each block's output (the residual stream) and of the logits, on one fixed batch. Where the
/// parametrization is right these scales stay flat across width; under the standard parametrization with Adam each
/// update moves a hidden coordinate by about lr·width, so after the first step they grow with width.
/// </summary>
public static class CoordinateCheck
{
    /// <summary>The mean |x| of one layer's output at one width after <paramref name="Step"/> optimizer steps (0: at initialisation).</summary>
    public sealed record Scale(int Width, int Step, string Layer, double MeanAbs);

    /// <summary>
    /// Trains <paramref name="config"/> for <paramref name="steps"/> steps at each width (its d_model replaced; nothing
    /// else changes, so heads keep their count and grow in size) on <paramref name="task"/>'s batches, and measures.
    /// </summary>
    public static IReadOnlyList<Scale> Run(RunConfig config, IReadOnlyList<int> widths, int steps, Func<RunConfig, ITrainingTask> task, Device device)
    {
        var scales = new List<Scale>();
        foreach (var width in widths)
        {
            var c = config with
            {
                DModel = width,
                Tokens = steps * config.TokensPerStep,
                LogInterval = 1,
                CheckpointInterval = 0,
                EvalInterval = Math.Max(1, steps),
                FinalEvalTokens = 0,
            };
            var runTask = task(c);
            using var probe = runTask.Train(0, device).Input;                 // (B, T): the first training batch, the same at every width
            using (var initial = ModelInitialisation.Build(c, c.Seed))      // the weights the trainer starts from
            {
                initial.to(device);
                scales.AddRange(Measure(initial, probe).Select(m => new Scale(width, 0, m.Key, m.Value)));
            }
            var trainer = new Trainer(c, runTask, device);
            var observer = new AfterEachStep(step => scales.AddRange(Measure(trainer.Model!, probe).Select(m => new Scale(width, step, m.Key, m.Value))));
            trainer.Train(observer, CancellationToken.None);
        }
        return scales;
    }

    /// <summary>
    /// The exponent k of mean |x| ∝ width^k for one layer after one step: the least-squares slope of ln(mean |x|) on
    /// ln(width). About 0 where scales are flat across width; about 1 where they grow in proportion to it.
    /// </summary>
    public static double WidthExponent(IReadOnlyList<Scale> scales, string layer, int step)
    {
        var points = scales.Where(s => s.Layer == layer && s.Step == step).Select(s => (X: Math.Log(s.Width), Y: Math.Log(s.MeanAbs))).ToList();
        if (points.Count < 2) throw new ArgumentException($"{layer} at step {step} was measured at fewer than two widths", nameof(scales));
        var (mx, my) = (points.Average(p => p.X), points.Average(p => p.Y));
        return points.Sum(p => (p.X - mx) * (p.Y - my)) / points.Sum(p => (p.X - mx) * (p.X - mx));
    }

    /// <summary>Mean |x| of the embedding's output ("tokens"), each block's ("blocks.i") and the logits, on one no-grad forward.</summary>
    private static Dictionary<string, double> Measure(DecoderLM model, Tensor input)
    {
        var scales = new Dictionary<string, double>();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.Forward(input, (stage, x) => scales[stage] = x.abs().mean().item<float>());
        return scales;
    }

    private sealed class AfterEachStep(Action<int> measure) : ITrainingObserver
    {
        public void OnMetrics(IReadOnlyList<MetricSample> samples) { }

        public void OnProgress(RunProgress progress) => measure(progress.Step);

        public void OnCheckpoint(CheckpointArchive.Manifest manifest, Action<Stream> write) { }

        public void OnBranchPoint(CheckpointArchive.Manifest manifest, Action<Stream> write) { }
    }
}
