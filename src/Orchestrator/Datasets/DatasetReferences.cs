using Microsoft.EntityFrameworkCore;
using ScaleLab.Datasets;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Datasets;

/// <summary>
/// What a study's runs need from the registered data sets, checked when it is submitted or previewed: each named data
/// set exists and is tokenized with the run's tokenizer, and no run would pass over its data more than the epoch limit
/// (ScaleLab:EpochLimit, default 4) without a warning.
/// </summary>
public sealed class DatasetReferences(IDbContextFactory<ScaleLabDb> dbFactory, IConfiguration configuration)
{
    public async Task<IReadOnlyList<string>> CheckAsync(IReadOnlyList<PlannedRun> runs, ValidationErrors errors, CancellationToken ct)
    {
        var names = runs.Select(r => r.Config.Dataset?.Name).OfType<string>().Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var defaults = runs.Any(OnDefaultCorpus)
            ? await db.DefaultCorpusSplits.AsNoTracking().ToDictionaryAsync(s => s.Tokenizer, s => s.TrainTokens, ct)
            : [];
        var jobs = await db.Tokenizations.AsNoTracking()
            .Join(db.Datasets.Where(d => names.Contains(d.Name)), t => t.DatasetId, d => d.Id, (t, d) => new { d.Name, t.Tokenizer, t.Status, t.Progress, t.TrainTokens })
            .ToListAsync(ct);
        var byKey = jobs.ToDictionary(j => (j.Name, j.Tokenizer));
        foreach (var (name, tokenizer) in runs.Select(r => r.Config.Dataset).OfType<DatasetSpec>().Where(d => d.Name is not null)
                     .Select(d => (d.Name!, DatasetTokenizers.Canonical(d.Tokenizer))).Distinct())
        {
            if (!byKey.TryGetValue((name, tokenizer), out var job))
                errors.Add("base.dataset.name", jobs.Any(j => j.Name == name)
                    ? $"data set '{name}' is not tokenized with {tokenizer}; register it again with that tokenizer added"
                    : $"no data set '{name}' is registered (POST /api/datasets)");
            else if (job.Status != TokenizationStatus.Succeeded)
                errors.Add("base.dataset.name", $"data set '{name}' is not ready with {tokenizer}: its tokenization is {job.Status}" +
                    (job.Status == TokenizationStatus.Running ? $" ({job.Progress:P0})" : "") + "; see GET /api/datasets/" + name);
        }
        var limit = configuration.GetValue("ScaleLab:EpochLimit", RepeatedData.DefaultEpochLimit);
        return RepeatedData.Warnings(runs.Select(r => (r.Name, r.Config)), config =>
            config.Dataset is { Name: { } n } d && byKey.TryGetValue((n, DatasetTokenizers.Canonical(d.Tokenizer)), out var j) && j.TrainTokens is { } train
                ? ($"data set {n} ({DatasetTokenizers.Canonical(d.Tokenizer)}, {train:N0} training tokens)", train)
                : OnDefaultCorpus(config) && defaults.TryGetValue(config.Tokenizer, out var corpus)
                    ? ($"the default corpus ({config.Tokenizer}, {corpus:N0} training tokens as a worker last built it)", corpus)
                    : null, limit);
    }

    /// <summary>Runs without a data set train on the default corpus; its size is what a worker last reported (none before the first run).</summary>
    private static bool OnDefaultCorpus(PlannedRun run) => OnDefaultCorpus(run.Config);

    private static bool OnDefaultCorpus(ScaleLab.Runs.RunConfig config) => config.Task == ScaleLab.Runs.TaskKinds.LanguageModeling && config.Dataset is null;
}
