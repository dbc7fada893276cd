using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Workers.Training.Tasks;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// What one run reports after its steps, the same whether it trains alone (<see cref="Trainer"/>) or packed with
/// others: at log intervals the mean loss over the interval, learning rate, gradient norm and throughput; at evaluation
/// intervals and the last step its validation; then its progress, and a checkpoint where one is due.
/// </summary>
/// <param name="resumed">The checkpoint the run continues from, if any: its step, losses and wall clock carry on.</param>
/// <param name="branchPoints">Steps at which other runs will branch off this one: each gets a checkpoint that is kept.</param>
public sealed class RunReport(RunConfig config, ITrainingTask task, Device device, ITrainingObserver observer,
    TrainingClock clock, double? peakFlops, CheckpointArchive.Manifest? resumed, IReadOnlySet<int>? branchPoints = null)
{
    private readonly double _flopsPerToken = TransformerShape.TrainingFlopsPerToken(config);
    private readonly int _startStep = resumed?.Step ?? 0;
    private readonly double _priorSeconds = resumed?.WallClockSeconds ?? 0;
    private (long Tokens, double TrainingSeconds) _intervalStart = ((resumed?.Step ?? 0) * config.TokensPerStep, 0.0);
    private double _lastLoss = resumed?.Loss ?? double.NaN;
    private double? _lastVal = resumed?.ValLoss, _lastAccuracy;

    /// <summary>The step the run starts from (0, or a resumed checkpoint's).</summary>
    public int StartStep => _startStep;

    /// <param name="done">Steps done.</param>
    /// <param name="readTraining">
    /// The mean loss since the last log and the last step's gradient norm: called only at a log interval, as reading
    /// them waits for the device.
    /// </param>
    /// <param name="evaluated">The model to validate, in the precision it trains in (called only when validating).</param>
    /// <param name="writeCheckpoint">Writes the run's checkpoint (model, optimizer, this manifest) into a stream.</param>
    public void AfterStep(int done, double learningRate, Func<(double Loss, double GradNorm)> readTraining,
        Func<nn.Module<Tensor, Tensor>> evaluated, Action<CheckpointArchive.Manifest, Stream> writeCheckpoint)
    {
        var tokens = done * config.TokensPerStep;
        var last = done == config.Steps;
        if (branchPoints?.Contains(done) == true && !last)
        {
            var kept = new CheckpointArchive.Manifest(config, done, tokens, LastLogged, _lastVal, _priorSeconds + clock.Seconds);
            observer.OnBranchPoint(kept, stream => writeCheckpoint(kept, stream));
        }
        if (done % config.LogInterval != 0 && done % config.EvalInterval != 0 && !last) return;

        var seconds = _priorSeconds + clock.Seconds;
        var flops = tokens * _flopsPerToken;
        var samples = new List<MetricSample>();
        if (done % config.LogInterval == 0 || last)
        {
            var (loss, gradNorm) = readTraining();
            _lastLoss = loss;
            var tokensPerSecond = (tokens - _intervalStart.Tokens) / Math.Max(1e-9, clock.TrainingSeconds - _intervalStart.TrainingSeconds);
            _intervalStart = (tokens, clock.TrainingSeconds);
            samples.Add(new MetricSample(done, MetricNames.Loss, loss, tokens, flops, seconds));
            samples.Add(new MetricSample(done, MetricNames.LearningRate, learningRate, tokens, flops, seconds));
            samples.Add(new MetricSample(done, MetricNames.GradNorm, gradNorm, tokens, flops, seconds));
            samples.Add(new MetricSample(done, MetricNames.TokensPerSecond, tokensPerSecond, tokens, flops, seconds));
            if (peakFlops is > 0) samples.Add(new MetricSample(done, MetricNames.Mfu, tokensPerSecond * _flopsPerToken / peakFlops.Value, tokens, flops, seconds));
            if (task.EpochsAfter(done) is { } epochs) samples.Add(new MetricSample(done, MetricNames.Epochs, epochs, tokens, flops, seconds));
        }
        if (done % config.EvalInterval == 0 || last) samples.AddRange(Validate(done, tokens, flops, last, evaluated()));
        observer.OnMetrics(samples);
        observer.OnProgress(new RunProgress(done, config.Steps, _lastLoss, tokens, samples.ToDictionary(s => s.Name, s => s.Value)));
        // The loss window was just reset (checkpointInterval is a multiple of logInterval), so nothing is lost.
        if (config.CheckpointInterval > 0 && done % config.CheckpointInterval == 0 && !last)
        {
            var manifest = new CheckpointArchive.Manifest(config, done, tokens, LastLogged, _lastVal, _priorSeconds + clock.Seconds);
            observer.OnCheckpoint(manifest, stream => writeCheckpoint(manifest, stream));
        }
    }

    /// <summary>The last logged loss; null before the first log (JSON has no NaN).</summary>
    private double? LastLogged => double.IsNaN(_lastLoss) ? null : _lastLoss;

    public TrainingOutcome Outcome()
    {
        var totalTokens = config.Steps * config.TokensPerStep;
        return new TrainingOutcome(config.Steps, totalTokens, totalTokens * _flopsPerToken, _lastLoss, _lastVal,
            _priorSeconds + clock.Seconds, _startStep, _lastAccuracy);
    }

    private List<MetricSample> Validate(int done, long tokens, double flops, bool last, nn.Module<Tensor, Tensor> model)
    {
        Validation.Result evaluation;
        using (clock.Evaluating())   // evaluation time is not training time: throughput leaves it out
            evaluation = last ? Validation.Final(model, config, task, device) : Validation.Periodic(model, config, task, device);
        (_lastVal, _lastAccuracy) = (evaluation.Loss, evaluation.Accuracy);
        var at = _priorSeconds + clock.Seconds;
        var samples = new List<MetricSample> { new(done, MetricNames.ValLoss, evaluation.Loss, tokens, flops, at) };
        if (task.BytesPerToken is { } bytesPerToken)
            samples.Add(new MetricSample(done, MetricNames.ValBitsPerByte, evaluation.Loss / Math.Log(2) / bytesPerToken, tokens, flops, at));
        if (evaluation.StandardError is { } se)
        {
            samples.Add(new MetricSample(done, MetricNames.ValLossStandardError, se, tokens, flops, at));
            samples.Add(new MetricSample(done, MetricNames.ValTokens, evaluation.Tokens, tokens, flops, at));
        }
        if (evaluation.Accuracy is { } accuracy) samples.Add(new MetricSample(done, task.AccuracyMetric!, accuracy, tokens, flops, at));
        if (last && task.OptimalFinalLoss() is { } optimal) samples.Add(new MetricSample(done, MetricNames.OptimalLoss, optimal, tokens, flops, at));
        return samples;
    }
}
