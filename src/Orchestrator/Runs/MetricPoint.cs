namespace ScaleLab.Orchestrator.Runs;

/// <summary>
/// Row of table metrics, keyed (run, name, step): a retried batch overwrites its own points instead of adding
/// new ones. Written by the workers in batches with binary COPY (see the Workers project's MetricSink).
/// </summary>
public sealed class MetricPoint
{
    public Guid RunId { get; set; }
    public required string Name { get; set; }
    public int Step { get; set; }
    public double Value { get; set; }
    public long Tokens { get; set; }
    public double Flops { get; set; }
    public double WallClockSeconds { get; set; }
    public int Attempt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
