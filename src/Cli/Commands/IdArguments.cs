using ScaleLab.Catalog;
using ScaleLab.Client;
using System.CommandLine;
using System.CommandLine.Parsing;

namespace ScaleLab.Cli.Commands;

/// <summary>
/// Sweep, run and schedule ids as commands take them: the full id or a unique prefix of it (<see cref="IdPrefix"/>), checked when
/// the command line is parsed and resolved through the API when the command runs. Every error names its argument.
/// </summary>
public static class IdArguments
{
    public static Argument<IdPrefix> Sweep() => new("sweep") { Description = $"the sweep: {IdPrefix.Rule}", CustomParser = r => Parse(r, "sweep", "sweep") };

    public static Argument<IdPrefix> Run() => new("run") { Description = $"the run: {IdPrefix.Rule} (a prefix needs --sweep)", CustomParser = r => Parse(r, "run", "run") };

    public static Argument<IdPrefix> Schedule() => new("schedule") { Description = $"the schedule: {IdPrefix.Rule}", CustomParser = r => Parse(r, "schedule", "schedule") };

    /// <summary>`--sweep ID`, once.</summary>
    public static Option<IdPrefix?> SweepOption(string description) => new("--sweep") { Description = description, CustomParser = r => Parse(r, "--sweep", "sweep") };

    /// <summary>`--sweep ID`, repeatable, or `--sweeps ID ID...`.</summary>
    public static Option<IdPrefix[]> SweepsOption(string description) => new("--sweep", "--sweeps")
    {
        Description = description,
        AllowMultipleArgumentsPerToken = true,
        CustomParser = r => [.. r.Tokens.Select(t => Parse(r, "--sweep", "sweep", t.Value)).OfType<IdPrefix>()],
    };

    public static Task<Guid> SweepIdAsync(ScaleLabApi api, ParseResult parse, Argument<IdPrefix> argument, CancellationToken ct) =>
        SweepIdAsync(api, parse.GetValue(argument)!, argument.Name, ct);

    /// <summary>The sweep an id argument names; a prefix is looked up among all sweeps, archived ones too.</summary>
    public static async Task<Guid> SweepIdAsync(ScaleLabApi api, IdPrefix given, string argument, CancellationToken ct)
    {
        if (given.Full is { } id) return id;
        var found = await api.FindSweepsAsync(given, Listed, ct);
        return found.Total == 1
            ? found.Items[0].Id
            : throw Unresolved(argument, given, [.. found.Items.Select(s => (s.Id, s.Name))], found.Total,
                none: $"no sweep id starts with {given} (archived sweeps included)", several: "sweeps");
    }

    /// <summary>
    /// The run an id argument names. A full id needs no sweep; a prefix is looked up among the runs of
    /// <paramref name="sweep"/> (the API looks runs up by whole id only), and with a sweep given, so is a full id.
    /// </summary>
    public static async Task<Guid> RunIdAsync(ScaleLabApi api, IdPrefix given, string argument, IdPrefix? sweep, string sweepArgument, CancellationToken ct)
    {
        if (sweep is null)
            return given.Full ?? throw new UnresolvedIdException(
                $"{argument}: {given} is a short run id: give the run's sweep too ({sweepArgument} SWEEP), or the full run id");
        var sweepId = await SweepIdAsync(api, sweep, sweepArgument, ct);
        var detail = ApiOptions.Found(await api.GetSweepAsync(sweepId, ct), $"sweep {sweepId}");
        var found = detail.Runs.Where(r => given.Matches(r.Id)).ToList();
        return found.Count == 1
            ? found[0].Id
            : throw Unresolved(argument, given, [.. found.Select(r => (r.Id, r.Name))], found.Count,
                none: $"no run of sweep {IdPrefix.Short(sweepId)} ({detail.Sweep.Name}) has an id starting with {given}",
                several: $"runs of sweep {IdPrefix.Short(sweepId)} ({detail.Sweep.Name})");
    }

    /// <summary>
    /// The schedule an id argument names; a prefix is looked up among all schedules, which the API lists whole in one
    /// call (there are a few, not thousands as there are sweeps).
    /// </summary>
    public static async Task<Guid> ScheduleIdAsync(ScaleLabApi api, ParseResult parse, Argument<IdPrefix> argument, CancellationToken ct)
    {
        var given = parse.GetValue(argument)!;
        if (given.Full is { } id) return id;
        var found = (await api.ListSchedulesAsync(ct)).Where(s => given.Matches(s.Id)).ToList();
        return found.Count == 1
            ? found[0].Id
            : throw Unresolved(argument.Name, given, [.. found.Select(s => (s.Id, s.Name))], found.Count,
                none: $"no schedule id starts with {given}", several: "schedules");
    }

    private static IdPrefix? Parse(ArgumentResult result, string argument, string what, string? token = null)
    {
        token ??= result.Tokens.Single().Value;
        if (IdPrefix.Parse(token) is { } prefix) return prefix;
        result.AddError($"{argument}: '{token}' is not a {what} id: give {IdPrefix.Rule}");
        return null;
    }

    /// <summary>How many candidates an ambiguous prefix's message names.</summary>
    private const int Listed = 10;

    /// <param name="found">The candidates, or the first of them.</param>
    /// <param name="total">How many candidates there are.</param>
    /// <param name="none">What to say when nothing matched.</param>
    /// <param name="several">What the candidates are, in the plural: "sweeps", "runs of sweep 1a2b3c4d (NAME)".</param>
    private static UnresolvedIdException Unresolved(string argument, IdPrefix given, IReadOnlyList<(Guid Id, string Name)> found, int total, string none, string several)
    {
        if (total == 0) return new($"{argument}: {none}");
        var shown = found.Take(Listed).ToList();
        var digits = IdPrefix.DistinctDigits(shown.Select(f => f.Id));
        var names = shown.Select(f => $"{IdPrefix.Short(f.Id, digits)} ({f.Name})");
        return new($"{argument}: {given} is ambiguous: {total} {several} have ids starting with it: " +
                   string.Join(", ", names) + (total > shown.Count ? $" and {total - shown.Count} more" : "") + "; give more digits");
    }
}

/// <summary>An id argument that names no sweep, run or schedule, or several: a usage error (exit 2), worded for its argument.</summary>
public sealed class UnresolvedIdException(string message) : Exception(message);
