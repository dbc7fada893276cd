using ScaleLab.Runs;
using ScaleLab.Workers.Training.Tasks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Packing;

/// <summary>
/// Trains K runs that differ only in their seed (<see cref="Packability"/>) in lockstep as one
/// <see cref="PackedDecoderLM"/>, each as <see cref="Trainer"/> trains it alone: its own data (its task's batch of each
/// step), AdamW with decay on the weights that are 2-D in one model, the run's learning-rate schedule, gradient
/// clipping at 1.0 by the run's own gradient norm, bf16 mixed precision on CUDA, a CUDA graph per micro-batch, and the
/// same metrics, validation and checkpoints to the run's own observer. A small model cannot fill a large GPU alone;
/// K of them as one model run K-times-larger kernels at about the launch cost of one. Packed runs start from step 0;
/// each one's checkpoints are ordinary single-run ones, so a packed run resumes alone.
/// </summary>
/// <param name="peakFlops">The device's peak FLOP/s at the runs' precision, for each run's MFU (its share of the device); null where unknown.</param>
public sealed class PackedTrainer(IReadOnlyList<RunConfig> configs, IReadOnlyList<ITrainingTask> tasks, Device device, double? peakFlops = null)
{
    private ForwardBackward? _steps;

    /// <summary>How the steps ran: "eager", "cuda graph", or why capture failed.</summary>
    public string Engine => _steps?.Engine ?? "eager";

    /// <summary>The fp32 weights of all runs (the masters under bf16).</summary>
    public PackedDecoderLM? Model { get; private set; }

    /// <returns>Each run's outcome, in the order of the configs.</returns>
    public IReadOnlyList<TrainingOutcome> Train(IReadOnlyList<ITrainingObserver> observers, CancellationToken ct)
    {
        if (Packability.WhyNot(configs) is { } why) throw new ArgumentException(why, nameof(configs));
        if (tasks.Count != configs.Count || observers.Count != configs.Count)
            throw new ArgumentException($"{configs.Count} runs need as many tasks and observers, not {tasks.Count} and {observers.Count}");
        return Native.OwnStream.Run(device, () => TrainOn(observers, ct));
    }

    private IReadOnlyList<TrainingOutcome> TrainOn(IReadOnlyList<ITrainingObserver> observers, CancellationToken ct)
    {
        var (config, runs) = (configs[0], configs.Count);
        var model = Model = PackedDecoderLM.Initialise(configs);
        model.to(device);
        // Weight decay as each model alone has it: on its 2-D and larger weights, which are 3-D once stacked.
        using var precision = new MixedPrecision(model, OptimizerGroup.Standard(stacked: 1), runs, () => new PackedDecoderLM(config, runs), config.Precision, device);
        var compute = (PackedDecoderLM)precision.Compute;
        using var optimizer = precision.NewOptimizer(config);
        using var evaluated = ModelInitialisation.Build(config, seed: null);   // one run's model as it trains (its precision), for validation
        evaluated.to(device).to(compute.parameters().First().dtype);
        using var alone = ModelInitialisation.Build(config, seed: null);   // fp32 on the CPU, for checkpoints

        var clock = new TrainingClock();
        var reports = Enumerable.Range(0, runs).Select(k => new RunReport(configs[k], tasks[k], device, observers[k], clock, peakFlops, resumed: null)).ToList();
        var lossSum = zeros(runs, device: device);
        var lossCount = 0;
        var gradNorm = zeros(runs, device: device);

        Tensor MicroLoss(Tensor input, Tensor target) => PackedLoss.PerModel(compute.forward(input), target) / config.MicroBatches;
        using var steps = _steps = new ForwardBackward(MicroLoss, device, startStep: 0);

        compute.train();
        for (var step = 0; step < config.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            var lr = LearningRateSchedule.At(step, config);
            optimizer.SetLearningRate(lr);

            using (var scope = NewDisposeScope())
            {
                var batches = tasks.Select(task => task.Train(step, device)).ToList();
                var input = stack(batches.Select(b => b.Input));                     // (K, B, T)
                var target = stack(batches.Select(b => b.Target));                   // (K, B, T)
                precision.ZeroGradients();
                foreach (var (microInput, microTarget) in input.chunk(config.MicroBatches, dim: 1).Zip(target.chunk(config.MicroBatches, dim: 1)))
                    lossSum.add_(steps.Run(step, microInput.contiguous(), microTarget.contiguous()));
                precision.GradientsToMaster();
                gradNorm.copy_(precision.ClipGradients(Trainer.ClipNorm)); // (K), read only at the log interval
                optimizer.step();
                precision.WeightsToCompute();
                lossCount++;
            }

            // Read once for all runs, at the first run's log (the only device sync of the interval).
            (float[] Losses, float[] Norms, int Count)? read = null;
            (double, double) ReadTraining(int k)
            {
                if (read is null)
                {
                    using var losses = lossSum.cpu();
                    using var norms = gradNorm.cpu();
                    read = (losses.data<float>().ToArray(), norms.data<float>().ToArray(), lossCount);
                    lossSum.zero_();
                    lossCount = 0;
                }
                return (read.Value.Losses[k] / read.Value.Count, read.Value.Norms[k]);
            }
            for (var k = 0; k < runs; k++)
            {
                var run = k;
                reports[k].AfterStep(step + 1, lr, () => ReadTraining(run), () =>
                {
                    compute.CopyInto(run, evaluated);
                    return evaluated;
                }, (manifest, stream) => WriteCheckpoint(run, manifest, stream));
            }
        }
        return [.. reports.Select(r => r.Outcome())];

        // Run k's checkpoint in the ordinary single-run format: its weights and its row of the optimizer state.
        void WriteCheckpoint(int k, CheckpointArchive.Manifest manifest, Stream stream)
        {
            model.CopyInto(k, alone);
            using var own = optimizer.Row(k, precision.Layouts);
            CheckpointArchive.Write(alone, own, manifest, stream);
        }
    }
}
