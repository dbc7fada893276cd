using ScaleLab.Runs;
using ScaleLab.Workers.Training.Tasks;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>A run's validation on its task: the periodic one, and the final one that fits use.</summary>
public static class Validation
{
    /// <summary>An evaluation: mean loss per scored token; over the final evaluation also its standard error and size.</summary>
    public sealed record Result(double Loss, double? Accuracy, double? StandardError = null, long Tokens = 0);

    /// <summary>
    /// The evaluation fits use: every batch of the task's final validation (the LM task's held-out split, up to
    /// finalEvalTokens). The loss is the mean over scored tokens; its standard error is that of the mean of the
    /// per-sequence losses (windows far apart are nearly independent, tokens of one window are not).
    /// </summary>
    public static Result Final(nn.Module<Tensor, Tensor> model, RunConfig config, ITrainingTask task, Device device)
    {
        model.eval();
        using var _ = no_grad();
        var perSequence = new List<(double Sum, long Count)>();
        long correct = 0;
        for (var i = 0; i < Math.Max(1, task.FinalValidationBatches == 0 ? config.EvalBatches : task.FinalValidationBatches); i++)
        {
            using var scope = NewDisposeScope();
            var (input, target) = task.FinalValidation(i, device);
            var logits = model.forward(input);
            var tokenLoss = nn.functional.cross_entropy(logits.view(-1, config.VocabSize).to(float32), target.view(-1),
                ignore_index: ITrainingTask.Ignore, reduction: nn.Reduction.None).view(target.shape);   // (B, T), 0 where ignored
            var mask = target.ne(ITrainingTask.Ignore);
            var sums = tokenLoss.sum(1).to(float64).data<double>().ToArray();
            var counts = mask.sum(1).data<long>().ToArray();
            for (var b = 0; b < sums.Length; b++) if (counts[b] > 0) perSequence.Add((sums[b], counts[b]));
            if (task.AccuracyMetric is not null) correct += logits.argmax(-1).eq(target).logical_and(mask).sum().item<long>();
        }
        model.train();
        var tokens = perSequence.Sum(s => s.Count);
        var loss = perSequence.Sum(s => s.Sum) / Math.Max(1, tokens);
        var means = perSequence.Select(s => s.Sum / s.Count).ToList();
        var se = means.Count > 1 ? MathNet.Numerics.Statistics.Statistics.StandardDeviation(means) / Math.Sqrt(means.Count) : double.NaN;
        return new Result(loss, task.AccuracyMetric is null ? null : (double)correct / Math.Max(1, tokens), se, tokens);
    }

    /// <returns>Validation loss, and the share of scored positions predicted exactly when the task reports accuracy.</returns>
    public static Result Periodic(nn.Module<Tensor, Tensor> model, RunConfig config, ITrainingTask task, Device device)
    {
        model.eval();
        using var _ = no_grad();
        double loss = 0;
        long correct = 0, scored = 0;
        for (var i = 0; i < config.EvalBatches; i++)
        {
            using var scope = NewDisposeScope();
            var (input, target) = task.Validation(i, device);
            var logits = model.forward(input);
            loss += TokenLoss.Mean(logits, target).item<float>();
            if (task.AccuracyMetric is null) continue;
            var mask = target.ne(ITrainingTask.Ignore);
            correct += logits.argmax(-1).eq(target).logical_and(mask).sum().item<long>();
            scored += mask.sum().item<long>();
        }
        model.train();
        return new Result(loss / config.EvalBatches, task.AccuracyMetric is null ? null : (double)correct / Math.Max(1, scored));
    }
}
