namespace ScaleLab.Runs;

/// <summary>
/// The names of the metrics a run logs: the trainer writes them, the early-stopping rule, the curve queries and the
/// dashboard read them. A task may add a validation score of its own (<see cref="MqarAccuracy"/>).
/// </summary>
public static class MetricNames
{
    public const string Loss = "loss", ValLoss = "val_loss", ValLossStandardError = "val_loss_se", ValTokens = "val_tokens",
        ValBitsPerByte = "val_bpb", LearningRate = "lr", GradNorm = "grad_norm", TokensPerSecond = "tokens_per_s",
        Mfu = "mfu", Epochs = "epochs", OptimalLoss = "optimal_loss", MqarAccuracy = "mqar_accuracy";

    /// <summary>Metrics an early-stopping rule can watch.</summary>
    public static readonly IReadOnlyList<string> Watchable = [ValLoss, Loss, MqarAccuracy];

    /// <summary>Whether a higher value is better (accuracies), so a rule on it must maximise.</summary>
    public static bool HigherIsBetter(string metric) => metric == MqarAccuracy;

    /// <summary>Whether the metric is a loss (charts show losses on a log scale).</summary>
    public static bool IsLoss(string metric) => metric is Loss or ValLoss;
}
