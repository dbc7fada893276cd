using System.Globalization;
using ScaleLab.Catalog;
using ScaleLab.Runs;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Runs;

/// <summary>
/// The fields a sweep's runs table sorts and filters by: the columns' accounting and metrics, the run's compute budget
/// (as <see cref="RunGroups.Budget"/> groups it), the wall clock, and every config field the runs differ in
/// (<see cref="SweepFields"/>, the fields the table groups by). A config field whose name a column's field already has
/// (the config's <c>tokens</c>) is named <c>config.tokens</c>. Names are found ignoring case.
/// </summary>
public sealed class RunFields
{
    public const string Name = "name";
    public const string Status = RunGroups.Status;
    public const string Error = "error";
    public const string Parameters = "params";
    public const string TotalParameters = "totalParams";
    public const string Tokens = "tokens";
    public const string Flops = "flops";
    public const string Budget = RunGroups.Budget;
    public const string Step = "step";
    public const string Loss = "loss";
    public const string ValLoss = "valLoss";
    public const string Attempt = "attempt";
    public const string WallClock = "wallClock";

    /// <summary>Prefix of a config field named like a column's field.</summary>
    public const string ConfigPrefix = "config.";

    private RunFields(IReadOnlyList<RunField> all, bool configRead) => (All, ConfigRead) = (all, configRead);

    /// <summary>The columns' fields first, then the config fields in name order.</summary>
    public IReadOnlyList<RunField> All { get; }

    /// <summary>
    /// Whether the runs' config fields have been read: until they are, a name that is no column's field may still be
    /// one of them, and is not yet unknown.
    /// </summary>
    public bool ConfigRead { get; }

    /// <summary>The field of this name, the exact name first, else ignoring case; null when there is none.</summary>
    public RunField? Find(string name) =>
        All.FirstOrDefault(f => f.Name == name) ?? All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>"name, status, …, mixer": the fields as a message lists them.</summary>
    public string Names => string.Join(", ", All.Select(f => f.Name));

    /// <summary>The fields of these runs (all of the sweep's, so a run's budget does not change with a filter); <paramref name="config"/> null while not read.</summary>
    public static RunFields Of(IReadOnlyList<RunSummary> runs, SweepFields? config)
    {
        var budgets = BudgetsOf(runs);
        List<RunField> all =
        [
            Words(Name, r => r.Name),
            Words(Status, r => r.Status.ToString()) with { Vocabulary = Enum.GetNames<RunStatus>() },
            Words(Error, r => r.Error),
            Numbers(Parameters, r => r.NonEmbeddingParameters),
            Numbers(TotalParameters, r => r.TotalParameters),
            Numbers(Tokens, r => r.PlannedTokens),
            Numbers(Flops, r => r.PlannedFlops),
            Numbers(Budget, r => budgets.TryGetValue(r.Id, out var b) ? b : null),
            Numbers(Step, r => r.StepsDone),
            Numbers(Loss, RunTable.Loss),
            Numbers(ValLoss, r => r.FinalValLoss),
            Numbers(Attempt, r => r.Attempt),
            Numbers(WallClock, r => r.WallClockSeconds),
        ];
        var columns = all.Count;
        for (var i = 0; i < (config?.Names.Count ?? 0); i++)
        {
            var (name, index) = (config!.Names[i], i);
            string? ValueOf(RunSummary r) => config.Values.TryGetValue(r.Id, out var values) && values[index] != SweepFields.Missing ? values[index] : null;
            var named = all.Take(columns).Any(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)) ? ConfigPrefix + name : name;
            // A number field when every run that has it has a number, as the table's groups and the charts' colours order it.
            var isNumber = runs.Select(ValueOf).OfType<string>().All(v => NumberOf(v) is not null);
            all.Add(new RunField(named, isNumber, r => isNumber && ValueOf(r) is { } v ? NumberOf(v) : null, ValueOf) { IsConfig = true });
        }
        return new RunFields(all, config is not null);
    }

    /// <summary>A finite number written as the invariant culture writes it (3.5, 1e12, 1E+13, -0.2); null for other text.</summary>
    public static double? NumberOf(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) ? x : null;

    /// <summary>Each run's compute budget: its budget group's FLOPs, the number that group's header names (≈ 3E+13).</summary>
    private static Dictionary<Guid, double> BudgetsOf(IReadOnlyList<RunSummary> runs)
    {
        var budgets = new Dictionary<Guid, double>();
        foreach (var g in RunGroups.By(runs, RunGroups.Budget, null) ?? [])
            foreach (var r in g.Runs)
                budgets[r.Id] = NumberOf(g.Value) ?? r.PlannedFlops;
        return budgets;
    }

    private static RunField Words(string name, Func<RunSummary, string?> text) => new(name, false, _ => null, text);

    private static RunField Numbers(string name, Func<RunSummary, double?> number) =>
        new(name, true, number, r => number(r) is { } x ? NumberFormat.Short(x) : null);
}
