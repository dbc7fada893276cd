using ScaleLab.Catalog;

namespace ScaleLab.Dashboard.Runs;

/// <summary>
/// A field of a sweep's runs that its table sorts and filters by (<see cref="RunFields"/>): a number field (loss,
/// params, dModel) compares numerically, a text field (name, mixer) by its text. A run without a value has null.
/// </summary>
/// <param name="Number">The run's value of a number field; null for a text field or a run without one.</param>
/// <param name="Text">The run's value as the table shows it; null for a run without one.</param>
public sealed record RunField(string Name, bool IsNumber, Func<RunSummary, double?> Number, Func<RunSummary, string?> Text)
{
    /// <summary>The values a text field can take when they are a fixed set (a run's status), else null.</summary>
    public IReadOnlyList<string>? Vocabulary { get; init; }

    /// <summary>A field of the runs' configs (<see cref="SweepFields"/>) rather than of their accounting and metrics.</summary>
    public bool IsConfig { get; init; }
}
