using System.Diagnostics;
using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Workers.Training.Tasks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// Trains a <see cref="DecoderLM"/> on a task: AdamW (decay on 2-D weights only), warmup then cosine or WSD,
/// gradient clipping at 1.0, gradient accumulation over micro-batches, explicit bf16 mixed precision on CUDA,
/// periodic validation. Deterministic for a seed on CPU.
/// </summary>
/// <param name="peakFlops">The device's peak FLOP/s at the run's precision, for MFU; null where unknown (CPU).</param>
public sealed class Trainer(RunConfig config, ITrainingTask task, Device device, double? peakFlops = null)
{
    public const double ClipNorm = 1.0;

    /// <summary>Eager steps before a step is captured as a CUDA graph: lazy initialisation (cuBLAS, caches) happens outside it.</summary>
    public const int EagerStepsBeforeCapture = 3;

    /// <summary>How the steps ran: "eager", or "cuda graph" once one micro-batch's forward and backward were captured; why not, if capture failed.</summary>
    public string Engine { get; private set; } = "eager";

    /// <summary>The fp32 weights (the masters under bf16): what checkpoints hold.</summary>
    public DecoderLM? Model { get; private set; }

    public AdamW? Optimizer { get; private set; }

    /// <param name="resumeFrom">A checkpoint of this same config to continue from (its step, weights and AdamW state).</param>
    public TrainingOutcome Train(ITrainingObserver observer, CancellationToken ct, Stream? resumeFrom = null)
    {
        // A stream of its own for this run's thread, before any of its work: runs in other slots of the GPU overlap
        // with it. Released (after waiting for it) when the run ends, so other threads may then read its weights.
        var ownStream = device.type == DeviceType.CUDA && Native.NativeOps.Available;
        if (!ownStream) return TrainOn(observer, ct, resumeFrom);
        Native.NativeOps.UseOwnStream(device.index);
        try
        {
            return TrainOn(observer, ct, resumeFrom);
        }
        finally
        {
            Native.NativeOps.ReleaseOwnStream();
        }
    }

    private TrainingOutcome TrainOn(ITrainingObserver observer, CancellationToken ct, Stream? resumeFrom)
    {
        var model = Model = ModelInitialisation.Build(config, config.Seed);
        model.to(device);
        var steps = config.Steps;
        var startStep = 0;
        double lastLoss = double.NaN, lastLr = 0, priorSeconds = 0;
        double? lastVal = null, lastAccuracy = null;
        if (resumeFrom is not null)
        {
            var manifest = CheckpointArchive.RestoreModel(resumeFrom, model);
            if (manifest.Config != config) throw new InvalidDataException("the checkpoint belongs to a different run config");
            (startStep, lastLoss, lastVal, priorSeconds) = (manifest.Step, manifest.Loss, manifest.ValLoss, manifest.WallClockSeconds);
        }
        using var precision = new MixedPrecision(config, model, device);
        var compute = precision.Compute;
        var optimizer = Optimizer = new FusedAdamW(
        [
            new AdamW.ParamGroup([precision.Decay], config.LearningRate, 0.9, 0.95, 1e-8, config.WeightDecay, false, false),
            new AdamW.ParamGroup([precision.NoDecay], config.LearningRate, 0.9, 0.95, 1e-8, 0.0, false, false),
        ]);
        if (resumeFrom is not null) CheckpointArchive.RestoreOptimizer(resumeFrom, optimizer);

        var flopsPerToken = TransformerShape.TrainingFlopsPerToken(config);
        var clock = Stopwatch.StartNew();
        var lossSum = zeros(1, device: device);
        var lossCount = 0;
        var gradNorm = zeros(1, device: device);
        var intervalStart = (Tokens: startStep * config.TokensPerStep, Seconds: 0.0);

        var capture = device.type == DeviceType.CUDA && Native.NativeOps.Available && Native.NativeOps.UseCudaGraphs;
        Native.CudaGraph? graph = null;
        Tensor MicroLoss(Tensor input, Tensor target) => Loss(compute.forward(input), target) / config.MicroBatches;

        try
        {
            compute.train();
            for (var step = startStep; step < steps; step++)
            {
                ct.ThrowIfCancellationRequested();
                lastLr = LearningRateSchedule.At(step, config);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lastLr;

                using (var scope = NewDisposeScope())
                {
                    var (input, target) = task.Train(step, device);
                    precision.ZeroGradients();
                    foreach (var (microInput, microTarget) in input.chunk(config.MicroBatches).Zip(target.chunk(config.MicroBatches)))
                    {
                        if (capture && graph is null && step >= startStep + EagerStepsBeforeCapture)
                        {
                            try
                            {
                                graph = Native.CudaGraph.Capture(microInput, microTarget, MicroLoss);
                                Engine = "cuda graph";
                            }
                            catch (Exception ex) when (ex is not OperationCanceledException)
                            {
                                // A failed capture may leave libtorch's allocator routing to the graph's pool: no run
                                // of this process captures again.
                                Native.NativeOps.DisableCudaGraphs();
                                (capture, Engine) = (false, $"eager (capture failed: {ex.Message.Split('\n')[0]})");
                            }
                        }
                        if (graph is not null) lossSum.add_(graph.Replay(microInput, microTarget));
                        else
                        {
                            var loss = MicroLoss(microInput, microTarget);
                            loss.backward();
                            lossSum.add_(loss.detach());
                        }
                    }
                    precision.GradientsToMaster();
                    gradNorm.copy_(precision.ClipGradients(ClipNorm)); // read only at the log interval: no device sync per step
                    optimizer.step();
                    precision.WeightsToCompute();
                    lossCount++;
                }

                var done = step + 1;
                var tokens = done * config.TokensPerStep;
                var last = done == steps;
                if (done % config.LogInterval != 0 && done % config.EvalInterval != 0 && !last) continue;

                var seconds = priorSeconds + clock.Elapsed.TotalSeconds;
                var flops = tokens * flopsPerToken;
                var samples = new List<MetricSample>();
                if (done % config.LogInterval == 0 || last)
                {
                    lastLoss = lossSum.item<float>() / lossCount; // the only device sync of the interval
                    lossSum.zero_();
                    lossCount = 0;
                    var tokensPerSecond = (tokens - intervalStart.Tokens) / Math.Max(1e-9, clock.Elapsed.TotalSeconds - intervalStart.Seconds);
                    intervalStart = (tokens, clock.Elapsed.TotalSeconds);
                    samples.Add(new MetricSample(done, MetricNames.Loss, lastLoss, tokens, flops, seconds));
                    samples.Add(new MetricSample(done, MetricNames.LearningRate, lastLr, tokens, flops, seconds));
                    samples.Add(new MetricSample(done, MetricNames.GradNorm, gradNorm.item<float>(), tokens, flops, seconds));
                    samples.Add(new MetricSample(done, MetricNames.TokensPerSecond, tokensPerSecond, tokens, flops, seconds));
                    if (peakFlops is > 0) samples.Add(new MetricSample(done, MetricNames.Mfu, tokensPerSecond * flopsPerToken / peakFlops.Value, tokens, flops, seconds));
                    if (task.EpochsAfter(done) is { } epochs) samples.Add(new MetricSample(done, MetricNames.Epochs, epochs, tokens, flops, seconds));
                }
                if (done % config.EvalInterval == 0 || last)
                {
                    var evaluation = last ? EvaluateFinal(compute) : Evaluate(compute);
                    (lastVal, lastAccuracy) = (evaluation.Loss, evaluation.Accuracy);
                    var evaluatedAt = priorSeconds + clock.Elapsed.TotalSeconds;
                    samples.Add(new MetricSample(done, MetricNames.ValLoss, evaluation.Loss, tokens, flops, evaluatedAt));
                    if (task.BytesPerToken is { } bytesPerToken)
                        samples.Add(new MetricSample(done, MetricNames.ValBitsPerByte, evaluation.Loss / Math.Log(2) / bytesPerToken, tokens, flops, evaluatedAt));
                    if (evaluation.StandardError is { } se)
                    {
                        samples.Add(new MetricSample(done, MetricNames.ValLossStandardError, se, tokens, flops, evaluatedAt));
                        samples.Add(new MetricSample(done, MetricNames.ValTokens, evaluation.Tokens, tokens, flops, evaluatedAt));
                    }
                    if (evaluation.Accuracy is { } accuracy) samples.Add(new MetricSample(done, task.AccuracyMetric!, accuracy, tokens, flops, evaluatedAt));
                    if (last && task.OptimalFinalLoss() is { } optimal) samples.Add(new MetricSample(done, MetricNames.OptimalLoss, optimal, tokens, flops, evaluatedAt));
                    // Evaluation time is not training time: the next interval's throughput starts after it.
                    intervalStart = (intervalStart.Tokens, clock.Elapsed.TotalSeconds);
                }
                observer.OnMetrics(samples);
                observer.OnProgress(new RunProgress(done, steps, lastLoss, tokens, samples.ToDictionary(s => s.Name, s => s.Value)));
                // The loss window was just reset (checkpointInterval is a multiple of logInterval), so nothing is lost.
                if (config.CheckpointInterval > 0 && done % config.CheckpointInterval == 0 && !last)
                {
                    var manifest = new CheckpointArchive.Manifest(config, done, tokens, lastLoss, lastVal, priorSeconds + clock.Elapsed.TotalSeconds);
                    observer.OnCheckpoint(manifest, stream => CheckpointArchive.Write(model, optimizer, manifest, stream));
                }
            }
        }
        finally
        {
            graph?.Dispose();   // a cancelled or failed run gives back the graph's memory pool too
        }
        var totalTokens = steps * config.TokensPerStep;
        return new TrainingOutcome(steps, totalTokens, totalTokens * flopsPerToken, lastLoss, lastVal,
            priorSeconds + clock.Elapsed.TotalSeconds, startStep, lastAccuracy);
    }

    /// <summary>
    /// Mean cross-entropy over the scored positions, computed in fp32 whatever the logits' precision: on CUDA with the
    /// native library by a fused kernel that reads the logits as they are, otherwise from an fp32 copy.
    /// </summary>
    private Tensor Loss(Tensor logits, Tensor target) =>
        Native.NativeOps.Available && logits.device_type == DeviceType.CUDA
            ? Native.NativeOps.CrossEntropy(logits.view(-1, config.VocabSize), target.view(-1), ITrainingTask.Ignore)
            : nn.functional.cross_entropy(logits.view(-1, config.VocabSize).to(float32), target.view(-1), ignore_index: ITrainingTask.Ignore);

    /// <summary>An evaluation: mean loss per scored token; over the final evaluation also its standard error and size.</summary>
    private sealed record Evaluation(double Loss, double? Accuracy, double? StandardError = null, long Tokens = 0);

    /// <summary>
    /// The evaluation fits use: every batch of the task's final validation (the LM task's held-out split, up to
    /// finalEvalTokens). The loss is the mean over scored tokens; its standard error is that of the mean of the
    /// per-sequence losses (windows far apart are nearly independent, tokens of one window are not).
    /// </summary>
    private Evaluation EvaluateFinal(DecoderLM model)
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
        return new Evaluation(loss, task.AccuracyMetric is null ? null : (double)correct / Math.Max(1, tokens), se, tokens);
    }

    /// <returns>Validation loss, and the share of scored positions predicted exactly when the task reports accuracy.</returns>
    private Evaluation Evaluate(DecoderLM model)
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
            loss += Loss(logits, target).item<float>();
            if (task.AccuracyMetric is null) continue;
            var mask = target.ne(ITrainingTask.Ignore);
            correct += logits.argmax(-1).eq(target).logical_and(mask).sum().item<long>();
            scored += mask.sum().item<long>();
        }
        model.train();
        return new Evaluation(loss / config.EvalBatches, task.AccuracyMetric is null ? null : (double)correct / Math.Max(1, scored));
    }
}
