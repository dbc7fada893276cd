using ScaleLab.Runs;
using ScaleLab.Workers.Training;

namespace ScaleLab.Workers.Tests;

/// <summary>Keeps everything a trainer reports: metric samples, progress, and each checkpoint's bytes by step.</summary>
public sealed class RecordingObserver : ITrainingObserver
{
    public List<MetricSample> Samples { get; } = [];
    public List<RunProgress> Progress { get; } = [];
    public Dictionary<int, byte[]> Checkpoints { get; } = [];
    public Dictionary<int, byte[]> BranchPoints { get; } = [];

    public void OnMetrics(IReadOnlyList<MetricSample> samples) => Samples.AddRange(samples);

    public void OnProgress(RunProgress progress) => Progress.Add(progress);

    public void OnCheckpoint(CheckpointArchive.Manifest manifest, Action<Stream> write)
    {
        using var bytes = new MemoryStream();
        write(bytes);
        Checkpoints[manifest.Step] = bytes.ToArray();
    }

    public void OnBranchPoint(CheckpointArchive.Manifest manifest, Action<Stream> write)
    {
        using var bytes = new MemoryStream();
        write(bytes);
        BranchPoints[manifest.Step] = bytes.ToArray();
    }

    /// <summary>Loss, validation loss and gradient norm after <paramref name="fromStep"/>, in step order: what a resume must reproduce.</summary>
    public double[] Losses(int fromStep) => Samples.Where(s => s.Name is "loss" or "val_loss" or "grad_norm" && s.Step > fromStep)
        .OrderBy(s => s.Step).ThenBy(s => s.Name).Select(s => s.Value).ToArray();

    public double Last(string name) => Samples.Last(s => s.Name == name).Value;
}
