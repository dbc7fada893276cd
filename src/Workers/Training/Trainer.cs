using System.Diagnostics;
using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Workers.Corpus;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// Trains a <see cref="DecoderLM"/> on a byte corpus: AdamW (decay on 2-D weights only), warmup + cosine,
/// gradient clipping at 1.0, periodic validation. Deterministic for a seed on CPU.
/// </summary>
public sealed class Trainer(RunConfig config, ByteCorpus corpus, Device device)
{
    public const double ClipNorm = 1.0;

    public DecoderLM? Model { get; private set; }

    public AdamW? Optimizer { get; private set; }

    /// <param name="resumeFrom">A checkpoint of this same config to continue from (its step, weights and AdamW state).</param>
    public TrainingOutcome Train(ITrainingObserver observer, CancellationToken ct, Stream? resumeFrom = null)
    {
        manual_seed(config.Seed);
        var model = Model = new DecoderLM(config);
        model.to(device);
        var decay = model.parameters().Where(p => p.dim() >= 2).ToList();
        var noDecay = model.parameters().Where(p => p.dim() < 2).ToList();
        var optimizer = Optimizer = optim.AdamW(
        [
            new AdamW.ParamGroup(decay, config.LearningRate, 0.9, 0.95, 1e-8, config.WeightDecay, false, false),
            new AdamW.ParamGroup(noDecay, config.LearningRate, 0.9, 0.95, 1e-8, 0.0, false, false),
        ]);

        var steps = config.Steps;
        var startStep = 0;
        double lastLoss = double.NaN, lastGradNorm = 0, lastLr = 0, priorSeconds = 0;
        double? lastVal = null;
        if (resumeFrom is not null)
        {
            var manifest = CheckpointArchive.Restore(resumeFrom, model, optimizer);
            if (manifest.Config != config) throw new InvalidDataException("the checkpoint belongs to a different run config");
            (startStep, lastLoss, lastVal, priorSeconds) = (manifest.Step, manifest.Loss, manifest.ValLoss, manifest.WallClockSeconds);
        }

        var sampler = new BatchSampler(corpus, config.BatchSize, config.SeqLen, config.Seed);
        var flopsPerToken = TransformerShape.TrainingFlopsPerToken(config);
        var clock = Stopwatch.StartNew();
        var lossSum = zeros(1, device: device);
        var lossCount = 0;
        var intervalStart = (Tokens: startStep * config.TokensPerStep, Seconds: 0.0);

        model.train();
        for (var step = startStep; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            lastLr = LearningRateSchedule.At(step, config);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lastLr;

            using (var scope = NewDisposeScope())
            {
                var (input, target) = sampler.Train(step, device);
                var logits = model.forward(input);                                      // (B, T, V)
                var loss = nn.functional.cross_entropy(logits.view(-1, config.VocabSize), target.view(-1));
                optimizer.zero_grad();
                loss.backward();
                lastGradNorm = nn.utils.clip_grad_norm_(model.parameters(), ClipNorm);
                optimizer.step();
                lossSum.add_(loss.detach());
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
                samples.Add(new MetricSample(done, "loss", lastLoss, tokens, flops, seconds));
                samples.Add(new MetricSample(done, "lr", lastLr, tokens, flops, seconds));
                samples.Add(new MetricSample(done, "grad_norm", lastGradNorm, tokens, flops, seconds));
                samples.Add(new MetricSample(done, "tokens_per_s", tokensPerSecond, tokens, flops, seconds));
            }
            if (done % config.EvalInterval == 0 || last)
            {
                lastVal = Evaluate(model, sampler);
                samples.Add(new MetricSample(done, "val_loss", lastVal.Value, tokens, flops, priorSeconds + clock.Elapsed.TotalSeconds));
            }
            observer.OnMetrics(samples);
            observer.OnProgress(new RunProgress(done, steps, lastLoss, tokens));
            // The loss window was just reset (checkpointInterval is a multiple of logInterval), so nothing is lost.
            if (config.CheckpointInterval > 0 && done % config.CheckpointInterval == 0 && !last)
            {
                var manifest = new CheckpointArchive.Manifest(config, done, tokens, lastLoss, lastVal, priorSeconds + clock.Elapsed.TotalSeconds);
                observer.OnCheckpoint(manifest, stream => CheckpointArchive.Write(model, optimizer, manifest, stream));
            }
        }

        var totalTokens = steps * config.TokensPerStep;
        return new TrainingOutcome(steps, totalTokens, totalTokens * flopsPerToken, lastLoss, lastVal,
            priorSeconds + clock.Elapsed.TotalSeconds, startStep);
    }

    private double Evaluate(DecoderLM model, BatchSampler sampler)
    {
        model.eval();
        using var _ = no_grad();
        double sum = 0;
        for (var i = 0; i < config.EvalBatches; i++)
        {
            using var scope = NewDisposeScope();
            var (input, target) = sampler.Validation(i, config.EvalBatches, device);
            var logits = model.forward(input);
            sum += nn.functional.cross_entropy(logits.view(-1, config.VocabSize), target.view(-1)).item<float>();
        }
        model.train();
        return sum / config.EvalBatches;
    }
}
