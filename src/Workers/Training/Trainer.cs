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
/// <param name="branchPoints">Steps at which other runs branch off this one (a ladder's trunk): each gets a kept checkpoint.</param>
public sealed class Trainer(RunConfig config, ITrainingTask task, Device device, double? peakFlops = null, IReadOnlySet<int>? branchPoints = null)
{
    public const double ClipNorm = 1.0;

    /// <summary>How the steps ran: "eager", or "cuda graph" once one micro-batch's forward and backward were captured; why not, if capture failed.</summary>
    public string Engine => _steps?.Engine ?? "eager";

    private ForwardBackward? _steps;

    /// <summary>The fp32 weights (the masters under bf16): what checkpoints hold.</summary>
    public DecoderLM? Model { get; private set; }

    public FusedAdamW? Optimizer { get; private set; }

    /// <param name="resumeFrom">A checkpoint of this same config to continue from (its step, weights and AdamW state).</param>
    /// <param name="branchFrom">
    /// Used when there is nothing to resume: another run's checkpoint to start from, at a step up to which the two
    /// schedules agree (<see cref="Branching"/>). The run goes on from that step, its wall clock from 0.
    /// </param>
    public TrainingOutcome Train(ITrainingObserver observer, CancellationToken ct, Stream? resumeFrom = null, Stream? branchFrom = null) =>
        Native.OwnStream.Run(device, () => TrainOn(observer, ct, resumeFrom, resumeFrom is null ? branchFrom : null));

    private TrainingOutcome TrainOn(ITrainingObserver observer, CancellationToken ct, Stream? resumeFrom, Stream? branchFrom)
    {
        var model = Model = ModelInitialisation.Build(config, config.Seed);
        model.to(device);
        CheckpointArchive.Manifest? resumed = null;
        if (resumeFrom is not null)
        {
            resumed = CheckpointArchive.RestoreModel(resumeFrom, model);
            if (resumed.Config != config) throw new InvalidDataException("the checkpoint belongs to a different run config");
        }
        else if (branchFrom is not null)
        {
            var parent = CheckpointArchive.ReadManifest(branchFrom); // checked before its weights meet a model they may not fit
            if (Branching.WhyNot(parent.Config, config, parent.Step) is { } why)
                throw new InvalidDataException($"cannot start from the parent's checkpoint at step {parent.Step}: {why}");
            branchFrom.Position = 0;
            CheckpointArchive.RestoreModel(branchFrom, model);
            resumed = parent with { Config = config, WallClockSeconds = 0 };
            resumeFrom = branchFrom; // its AdamW state too
        }
        using var precision = new MixedPrecision(model, model.OptimizerGroups, models: 1, () => ModelInitialisation.Build(config, seed: null), config.Precision, device);
        var compute = precision.Compute;
        var optimizer = Optimizer = precision.NewOptimizer(config);
        if (resumeFrom is not null) CheckpointArchive.RestoreOptimizer(resumeFrom, optimizer);

        var report = new RunReport(config, task, device, observer, new TrainingClock(), peakFlops, resumed, branchPoints);
        var lossSum = zeros(1, device: device);
        var lossCount = 0;
        var gradNorm = zeros(1, device: device);
        (double, double) ReadTraining()
        {
            var loss = lossSum.item<float>() / lossCount; // the only device sync of the interval
            lossSum.zero_();
            lossCount = 0;
            return (loss, gradNorm.item<float>());
        }

        Tensor MicroLoss(Tensor input, Tensor target) => TokenLoss.Mean(compute.forward(input), target) / config.MicroBatches;
        using var steps = _steps = new ForwardBackward(MicroLoss, device, report.StartStep);

        compute.train();
        for (var step = report.StartStep; step < config.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            var lr = LearningRateSchedule.At(step, config);
            optimizer.SetLearningRate(lr);   // times each group's scale (μP: 1/m for hidden weights)

            using (var scope = NewDisposeScope())
            {
                var (input, target) = task.Train(step, device);
                precision.ZeroGradients();
                foreach (var (microInput, microTarget) in input.chunk(config.MicroBatches).Zip(target.chunk(config.MicroBatches)))
                    lossSum.add_(steps.Run(step, microInput, microTarget));
                precision.GradientsToMaster();
                gradNorm.copy_(precision.ClipGradients(ClipNorm)); // read only at the log interval: no device sync per step
                optimizer.step();
                precision.WeightsToCompute();
                lossCount++;
            }

            report.AfterStep(step + 1, lr, ReadTraining, () => compute, (manifest, stream) => CheckpointArchive.Write(model, optimizer, manifest, stream));
        }
        return report.Outcome();
    }
}
