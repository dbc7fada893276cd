namespace ScaleLab.Runs;

/// <summary>What a worker slot is told to train.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Runs.RunAssignment")]
public sealed record RunAssignment(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] Guid SweepId,
    [property: Id(2)] string Name,
    [property: Id(3)] RunConfig Config,
    [property: Id(4)] int Attempt);

/// <summary>The latest training position of a run, reported at the log interval.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Runs.RunProgress")]
public sealed record RunProgress(
    [property: Id(0)] int Step,
    [property: Id(1)] int TotalSteps,
    [property: Id(2)] double Loss,
    [property: Id(3)] long Tokens,
    [property: Id(4)] IReadOnlyDictionary<string, double>? Metrics = null);

/// <summary>How an attempt ended. A failed attempt carries the error; a succeeded one its final numbers and checkpoint.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Runs.RunResult")]
public sealed record RunResult(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] RunStatus Status,
    [property: Id(3)] int Steps,
    [property: Id(4)] long Tokens,
    [property: Id(5)] double Flops,
    [property: Id(6)] double? FinalLoss,
    [property: Id(7)] double? FinalValLoss,
    [property: Id(8)] string? CheckpointUri,
    [property: Id(9)] long CheckpointBytes,
    [property: Id(10)] double WallClockSeconds,
    [property: Id(11)] string? Error);
