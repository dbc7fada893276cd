using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScaleLab.Catalog;
using ScaleLab.Client;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Sweeps;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Training;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// The reads the dashboard makes, through the real orchestrator's REST API and the typed client every front end uses:
/// many runs' curves in one call (thinned in PostgreSQL), the latest failures, and a fit that is not stored.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ApiReadsTests(ClusterFixture cluster)
{
    private ScaleLabApi Client => new(cluster.Api);

    private ScaleLabDb Db() => new(new DbContextOptionsBuilder<ScaleLabDb>().UseNpgsql(cluster.PostgresConnectionString).Options);

    private async Task<(Guid Sweep, List<Guid> Runs)> SeedAsync(string name, int runs, Action<RunRecord, int>? shape = null)
    {
        await using var db = Db();
        var sweep = new SweepRecord { Id = Guid.NewGuid(), Name = name, Kind = "grid", SpecJson = "{}", CreatedAt = DateTimeOffset.UtcNow };
        db.Add(sweep);
        var ids = new List<Guid>();
        for (var i = 0; i < runs; i++)
        {
            var run = new RunRecord { Id = Guid.NewGuid(), SweepId = sweep.Id, Name = $"{name}-r{i}", ConfigJson = "{}", CreatedAt = DateTimeOffset.UtcNow };
            shape?.Invoke(run, i);
            db.Add(run);
            ids.Add(run.Id);
        }
        await db.SaveChangesAsync();
        return (sweep.Id, ids);
    }

    [Fact]
    public async Task Many_runs_curves_come_back_thinned_in_one_call_with_first_and_last_points_kept()
    {
        var (_, runIds) = await SeedAsync("curves", 3);
        await using var source = NpgsqlDataSource.Create(cluster.PostgresConnectionString);
        var lengths = new[] { 1000, 7, 0 }; // a long curve, a short one, none yet
        for (var i = 0; i < 3; i++)
        {
            var samples = Enumerable.Range(1, lengths[i]).Select(s => new MetricSample(s * 10, "loss", 5.0 / s + i, s * 100, s * 1e6, s)).ToList();
            if (samples.Count > 0) await MetricBatchWriter.WriteAsync(source, runIds[i], 1, samples, DateTimeOffset.UtcNow, CancellationToken.None);
        }

        var curves = await Client.GetCurvesAsync(runIds, "loss", 20);

        Assert.Equal(runIds, curves.Select(c => c.RunId));
        var thinned = curves[0];
        Assert.InRange(thinned.Steps.Count, 20, 21);                                   // every 50th point, and the last
        Assert.Equal(10, thinned.Steps[0]);
        Assert.Equal(10_000, thinned.Steps[^1]);
        Assert.True(thinned.Steps.Zip(thinned.Steps.Skip(1)).All(p => p.Second > p.First));
        Assert.All(thinned.Steps.Zip(thinned.Values), p => Assert.Equal(5.0 / (p.First / 10), p.Second, 12));
        Assert.Equal(thinned.Steps.Select(step => (long)step * 10), thinned.TokensAt);   // each point's logged tokens and FLOPs
        Assert.Equal(thinned.Steps.Select(step => step / 10 * 1e6), thinned.FlopsAt);
        Assert.Equal(Enumerable.Range(1, 7).Select(s => s * 10), curves[1].Steps);   // short curves come back whole
        Assert.Equal(Enumerable.Range(1, 7).Select(s => 5.0 / s + 1), curves[1].Values);
        Assert.Empty(curves[2].Steps);
    }

    [Theory]
    [InlineData("""{"runIds":[],"metric":"loss"}""", "runIds")]
    [InlineData("""{"runIds":["00000000-0000-0000-0000-000000000001"],"metric":"Loss; DROP TABLE metrics"}""", "metric")]
    [InlineData("""{"runIds":["00000000-0000-0000-0000-000000000001"],"pointsPerRun":1}""", "pointsPerRun")]
    [InlineData("""{"runIds":["not-a-guid"]}""", "runIds[0]")]
    [InlineData("""{"runIds":["00000000-0000-0000-0000-000000000001"],"colour":"red"}""", "colour")]
    public async Task Bad_curve_queries_get_a_problem_naming_the_field(string body, string field)
    {
        using var response = await cluster.PostAsync("api/runs/curves", body, apiKey: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"expected {field}: {errors}");
    }

    [Fact]
    public async Task More_run_ids_than_one_call_allows_are_refused_before_any_query()
    {
        var ids = string.Join(",", Enumerable.Range(0, CurvesQuery.MaxRuns + 1).Select(_ => $"\"{Guid.NewGuid()}\""));
        using var response = await cluster.PostAsync("api/runs/curves", $$"""{"runIds":[{{ids}}]}""", apiKey: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"at most {CurvesQuery.MaxRuns}", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("runIds")[0].GetString());
    }

    [Fact]
    public async Task The_latest_failures_come_newest_first_with_their_error()
    {
        var now = DateTimeOffset.UtcNow.AddYears(1);   // newer than any failure other tests leave behind
        // The fourth has no finish time (PostgreSQL sorts NULL first when descending): it must not come first.
        var (_, runIds) = await SeedAsync("failures", 4, (run, i) =>
        {
            run.Status = RunStatus.Failed;
            run.Error = $"out of memory #{i}";
            run.FinishedAt = i < 3 ? now.AddMinutes(i) : null;
        });

        var failures = await Client.ListFailedRunsAsync(2);

        Assert.Equal([runIds[2], runIds[1]], failures.Select(f => f.Id));
        Assert.Equal("out of memory #2", failures[0].Error);
        Assert.Equal(RunStatus.Failed, failures[0].Status);
        using var tooMany = await cluster.Api.GetAsync("api/runs/failed?limit=101");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public async Task A_fit_preview_recovers_a_known_law_and_agrees_with_the_stored_fit()
    {
        // An IsoFLOP design drawn from Hoffmann et al.'s law, stored as finished runs: 4 budgets x 5 sizes.
        var law = new ChinchillaLaw(1.69, 406.4, 410.7, 0.34, 0.28);
        var designs = (from c in new[] { 1e18, 1e19, 1e20, 1e21 }
                       from factor in new[] { 0.25, 0.5, 1, 2, 4 }
                       let n = law.ComputeOptimal(c).N * factor
                       select (N: n, D: c / (6 * n), C: c)).ToList();
        var (sweepId, _) = await SeedAsync("preview-law", designs.Count, (run, i) =>
        {
            var (n, d, c) = designs[i];
            (run.Status, run.NonEmbeddingParameters, run.TokensSeen, run.PlannedFlops) = (RunStatus.Succeeded, (long)n, (long)d, c);
            run.FinalValLoss = law.Predict((long)n, (long)d);
        });

        var preview = await Client.PreviewFitAsync(new ScalingQuery([sweepId], FitLaw.Chinchilla, Bootstrap: 0));

        Assert.Empty(preview.Errors);
        Assert.Equal(20, preview.Points.Count);
        var fit = Assert.Single(preview.Result!.Groups);
        Assert.Equal(1.69, fit.Parameters["E"].Value, 2);
        Assert.Equal(0.34, fit.Parameters["alpha"].Value, 2);
        Assert.Equal(0.28, fit.Parameters["beta"].Value, 2);

        using var stored = await cluster.PostAsync("api/fits", $$"""{"law":"chinchilla","sweepIds":["{{sweepId}}"]}""");
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var body = await stored.Content.ReadFromJsonAsync<JsonElement>();
        var result = body.GetProperty("result");
        foreach (var name in new[] { "E", "A", "B", "alpha", "beta" })
            Assert.Equal(result.GetProperty(name).GetDouble(), fit.Parameters[name].Value, 9);

        // The stored fit is listed, with the sweep it came from; an uploaded CSV's fit beside it has none.
        var csv = await File.ReadAllTextAsync(Path.Combine(cluster.Root, "examples/fits/isoflop-synthetic.csv"));
        using var uploaded = await cluster.PostAsync("api/fits?law=isoflop", csv, "text/csv");
        var uploadedId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var listed = (await Client.ListFitsAsync(1, 200)).Items.ToList();
        var mine = Assert.Single(listed, f => f.Id == body.GetProperty("id").GetGuid());
        Assert.Equal(("chinchilla", 20, 1), (mine.Law, mine.Points, mine.Groups));
        Assert.Equal([sweepId], mine.SweepIds);
        var theirs = Assert.Single(listed, f => f.Id == uploadedId);
        Assert.Equal("isoflop", theirs.Law);
        Assert.Empty(theirs.SweepIds);
        Assert.True(listed.IndexOf(theirs) < listed.IndexOf(mine), "newest first");
    }

    [Fact]
    public async Task A_sweeps_varying_config_fields_come_back_with_each_runs_values()
    {
        var configs = new[] { """{"dModel":64,"mixer":"gla","seed":1}""", """{"dModel":128,"mixer":"gla","seed":1}""", """{"dModel":128,"mixer":"softmax","seed":1}""" };
        var (sweepId, runIds) = await SeedAsync("fields", 3, (run, i) => run.ConfigJson = configs[i]);

        var fields = (await Client.GetSweepFieldsAsync(sweepId))!;

        Assert.Equal(["dModel", "mixer"], fields.Names);
        Assert.Equal(["64", "gla"], fields.Values[runIds[0]]);
        Assert.Equal(["128", "softmax"], fields.Values[runIds[2]]);
        Assert.Null(await Client.GetSweepFieldsAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_bad_fit_preview_comes_back_with_the_errors_by_field()
    {
        var tooMany = await Client.PreviewFitAsync(new ScalingQuery([Guid.NewGuid()], FitLaw.Chinchilla, Bootstrap: ScalingQuery.MaxBootstrap + 1));
        var missing = await Client.PreviewFitAsync(new ScalingQuery([Guid.NewGuid()], FitLaw.Chinchilla, Bootstrap: 0));

        Assert.Contains("bootstrap", tooMany.Errors.Keys);
        Assert.Null(tooMany.Result);
        Assert.Contains("sweepIds", missing.Errors.Keys);
        Assert.Null(missing.Result);
    }

    [Fact]
    public async Task Log_lines_from_before_kinds_get_theirs_from_the_migration_and_the_api_serves_them()
    {
        var (_, runIds) = await SeedAsync("backfill", 1);
        var run = runIds[0];
        string[] old =
        [
            "attempt 1 assigned to slot 127.0.0.1:11112@9/cpu0",
            "training on cpu0 in fp32, from scratch (600 steps, slot 127.0.0.1:11112@9/cpu0)",
            "checkpoint at step 200 stored",
            "re-queued: slot 127.0.0.1:11112@9/cpu0 missed its heartbeats for 30 s (worker gone?)",
            "attempt 2 assigned to slot 127.0.0.1:11113@9/cpu0",
            "training on cpu0 in fp32, resuming from the checkpoint at step 200 (600 steps, slot 127.0.0.1:11113@9/cpu0)",
            "data: corpus v1",
            "succeeded after 600 steps: loss 2.1000, val loss 2.2000, 89 s",
        ];
        await using (var db = Db())
        {
            for (var i = 0; i < old.Length; i++)
                db.Add(new RunEvent { RunId = run, Attempt = i < 4 ? 1 : 2, At = DateTimeOffset.UtcNow.AddSeconds(i), Source = "orchestrator", Message = old[i] });
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync(RunEventBackfill.Sql);
        }

        var log = await Client.GetRunLogAsync(run);

        Assert.Equal(
            [RunEventKind.Assigned, RunEventKind.Started, RunEventKind.Checkpoint, RunEventKind.Requeued,
             RunEventKind.Assigned, RunEventKind.Resumed, RunEventKind.Note, RunEventKind.Succeeded],
            log.Select(l => l.Kind));
        Assert.Equal("127.0.0.1:11112@9/cpu0", log[0].Slot);
        Assert.Equal("127.0.0.1:11112@9/cpu0", log[1].Slot);
        Assert.Equal(200, log[2].Step);
        Assert.Equal(("127.0.0.1:11113@9/cpu0", 200), (log[5].Slot, log[5].Step));
        Assert.All(log.Where(l => l.Kind is RunEventKind.Requeued or RunEventKind.Succeeded or RunEventKind.Note), l => Assert.Null(l.Step));
    }
}
