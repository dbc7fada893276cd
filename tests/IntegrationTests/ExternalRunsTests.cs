using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScaleLab.Catalog;
using ScaleLab.Client;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Sweeps;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// Runs trained elsewhere, logged by the Python client (clients/python, Debian's python3) into the real orchestrator:
/// a study drawn from a known law fits back to it, logging it twice duplicates nothing, and bad input is refused with
/// the field named and nothing stored.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ExternalRunsTests(ClusterFixture cluster)
{
    private ScaleLabApi Client => new(cluster.Api);

    private async Task<(int Code, string Out, string Err)> PythonAsync(params string[] args)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cluster.Root };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["SCALELAB_API_KEY"] = ClusterFixture.ApiKey;
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (python.ExitCode, await output, await error);
    }

    /// <summary>A POST with the API key (or another), and its status and JSON body (default when it has none).</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(string path, string body, string? key = ClusterFixture.ApiKey)
    {
        using var response = await cluster.PostAsync(path, body, apiKey: key);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private Task<(int Code, string Out, string Err)> SyntheticStudyAsync(string name) =>
        PythonAsync("clients/python/examples/synthetic_study.py", "--url", cluster.Api.BaseAddress!.ToString(), "--name", name);

    [Fact]
    public async Task A_study_logged_from_python_fits_back_to_its_law_and_logging_it_again_duplicates_nothing()
    {
        var name = $"synthetic-{Guid.NewGuid():N}"[..24];
        var first = await SyntheticStudyAsync(name);
        Assert.True(first.Code == 0, first.Err);
        var studyId = JsonDocument.Parse(first.Out).RootElement.GetProperty("study").GetGuid();
        var again = await SyntheticStudyAsync(name);   // a script run again after a crash, say
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal(studyId, JsonDocument.Parse(again.Out).RootElement.GetProperty("study").GetGuid());

        var study = (await Client.GetSweepAsync(studyId))!;
        Assert.Equal("external", study.Sweep.Kind);
        Assert.Equal(SweepStatus.Succeeded, study.Sweep.Status);
        Assert.Equal((20, 20, 0), (study.Sweep.RunCount, study.Sweep.RunsFinished, study.Sweep.RunsFailed));
        Assert.Equal(20, study.Runs.Count);
        Assert.All(study.Runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.Equal(200, await cluster.ScalarAsync($"SELECT count(*) FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.sweep_id = '{studyId}'"));
        // The study counts all parameters and 6·N·D: the server computed each run's FLOPs from what it was told.
        Assert.Equal(study.Runs.Sum(r => 6.0 * r.TotalParameters * r.PlannedTokens), study.Sweep.PlannedFlops, 1e-6 * study.Sweep.PlannedFlops);
        Assert.All(study.Runs, r => Assert.Equal(8_192L * 256, r.TotalParameters - r.NonEmbeddingParameters));

        var fit = await Client.PreviewFitAsync(new ScalingQuery([studyId], FitLaw.Chinchilla, Bootstrap: 0));
        Assert.Empty(fit.Errors);
        Assert.Equal(20, fit.Points.Count);
        var law = Assert.Single(fit.Result!.Groups);
        Assert.Equal(1.69, law.Parameters["E"].Value, 2);
        Assert.Equal(0.34, law.Parameters["alpha"].Value, 2);
        Assert.Equal(0.28, law.Parameters["beta"].Value, 2);

        var curves = await Client.GetCurvesAsync(study.Runs.Select(r => r.Id).ToList(), MetricNames.Loss, 100);
        Assert.All(curves, c => Assert.Equal(Enumerable.Range(1, 10), c.Steps));
        Assert.All(curves, c => Assert.True(c.Values.Zip(c.Values.Skip(1)).All(p => p.Second < p.First), "each curve falls"));
        var byId = study.Runs.ToDictionary(r => r.Id);
        Assert.All(curves, c => Assert.Equal(byId[c.RunId].PlannedTokens, c.TokensAt[^1]));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_field_named_and_stores_nothing()
    {
        var name = $"refusals-{Guid.NewGuid():N}"[..24];
        void Names(JsonElement problem, string field) => Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        async Task Refused(string path, string body, string field)
        {
            var (status, problem) = await Post(path, body);
            Assert.True(status == HttpStatusCode.BadRequest, $"{path} {body}: {status} {problem}");
            Names(problem, field);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("api/external/studies", $$"""{"name":"{{name}}"}""", key: null)).Status);
        var badName = await Post("api/external/studies", """{"name":"../etc"}""");
        Assert.Equal(HttpStatusCode.BadRequest, badName.Status);
        Names(badName.Body, "name");
        await Refused("api/external/studies", $$$"""{"name":"{{{name}}}","accounting":{"compute":"7ND"}}""", "accounting.compute");
        await Refused("api/external/studies", """{"name":"trailing-newline\n"}""", "name");

        var opened = await Post("api/external/studies", $$"""{"name":"{{name}}"}""");
        Assert.Equal(HttpStatusCode.Created, opened.Status);
        var study = opened.Body.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await Post("api/external/studies", $$"""{"name":"{{name}}"}""")).Status);
        var otherAccounting = await Post("api/external/studies", $$$"""{"name":"{{{name}}}","accounting":{"compute":"6ND"}}""");
        Assert.Equal(HttpStatusCode.Conflict, otherAccounting.Status);
        Names(otherAccounting.Body, "accounting");

        var runs = $"api/external/studies/{study}/runs";
        await Refused(runs, """{"name":"r1","nonEmbeddingParameters":1000000,"tokens":20000000}""", "flops");   // exact compute
        await Refused(runs, """{"name":"r1","nonEmbeddingParameters":0,"tokens":20000000,"flops":1e17}""", "nonEmbeddingParameters");
        await Refused(runs, """{"name":"r1","nonEmbeddingParameters":1000000,"tokens":20000000,"flops":1e17,"config":{"dModle":64}}""", "config.dModle");
        await Refused(runs, """{"name":"r1","nonEmbeddingParameters":1000000,"tokens":20000000,"flops":1e17,"config":{"mixer":"gla\u0000"}}""", "config");
        await Refused(runs, """{"name":"r1","nonEmbeddingParameters":1000000,"totalParameters":10,"tokens":20000000,"flops":1e17}""", "totalParameters");
        var added = await Post(runs, """{"name":"r1","nonEmbeddingParameters":1000000,"tokens":20000000,"flops":1.2e14,"config":{"dModel":64}}""");
        Assert.Equal(HttpStatusCode.Created, added.Status);
        var run = added.Body.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await Post(runs, """{"name":"r1","nonEmbeddingParameters":2000000,"tokens":20000000,"flops":1.2e14}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Post($"api/external/studies/{Guid.NewGuid()}/runs", """{"name":"r1"}""")).Status);

        var metrics = $"api/external/runs/{run}/metrics";
        var badPoints = await Post(metrics, """{"points":[{"step":1,"name":"Loss!","value":3},{"step":-1,"name":"loss","value":3},null,{"name":"loss","value":2},{"step":4,"name":"loss"},{"step":5,"name":"loss\n","value":1}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, badPoints.Status);
        foreach (var field in new[] { "points[0].name", "points[1].step", "points[2]", "points[3].step", "points[4].value", "points[5].name" }) Names(badPoints.Body, field);
        await Refused(metrics, """{"points":[]}""", "points");
        var tooMany = "{\"points\":[" + string.Join(",", Enumerable.Range(0, 10_001).Select(i => $$"""{"step":{{i}},"name":"loss","value":1}""")) + "]}";
        await Refused(metrics, tooMany, "points");
        Assert.Equal(HttpStatusCode.OK, (await Post(metrics, """{"points":[{"step":1,"name":"loss","value":4.5,"tokens":1000},{"step":2,"name":"loss","value":4.0,"tokens":2000}]}""")).Status);

        var finish = $"api/external/runs/{run}/finish";
        await Refused(finish, """{"status":"succeeded"}""", "finalLoss");
        await Refused(finish, """{"status":"done","finalLoss":3}""", "status");
        await Refused(finish, """{"status":"failed","error":"nul \u0000 here"}""", "error");
        Assert.Equal(HttpStatusCode.Conflict, (await Post($"api/external/studies/{study}/close", "{}")).Status);   // r1 is open
        var cancel = await Post($"api/sweeps/{study}/cancel", "{}");                       // its runs train elsewhere: nothing to cancel here
        Assert.Equal(HttpStatusCode.Conflict, cancel.Status);
        Names(cancel.Body, "id");
        Assert.Equal(HttpStatusCode.OK, (await Post(finish, """{"status":"succeeded","finalValLoss":3.9}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Post(finish, """{"status":"succeeded","finalValLoss":3.9}""")).Status);   // again: no change
        Assert.Equal(HttpStatusCode.Conflict, (await Post(finish, """{"status":"failed"}""")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Post(metrics, """{"points":[{"step":3,"name":"loss","value":3.8}]}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Post($"api/external/studies/{study}/close", "{}")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Post(runs, """{"name":"r2","nonEmbeddingParameters":1000000,"tokens":20000000,"flops":1.2e14}""")).Status);

        var detail = (await Client.GetSweepAsync(study))!;
        Assert.Equal((1, 1, 0, SweepStatus.Succeeded), (detail.Sweep.RunCount, detail.Sweep.RunsFinished, detail.Sweep.RunsFailed, detail.Sweep.Status));
        var stored = Assert.Single(detail.Runs);
        Assert.Equal((3.9, 4.0, 2, 2), (stored.FinalValLoss!.Value, stored.FinalLoss!.Value, stored.StepsDone, stored.TotalSteps));   // the final loss is the last logged
        Assert.Equal(1.2e14, detail.Sweep.UsedFlops);                                    // finished: its compute is spent
        Assert.Equal(2, await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{run}'"));
    }

    [Fact]
    public async Task A_study_counting_all_parameters_and_6ND_takes_its_own_numbers_and_a_failed_run_added_again_goes_on()
    {
        var name = $"sixnd-{Guid.NewGuid():N}"[..20];
        var study = (await Post("api/external/studies", $$$"""{"name":"{{{name}}}","accounting":{"parameters":"total","compute":"6ND"}}""")).Body.GetProperty("id").GetGuid();
        var runs = $"api/external/studies/{study}/runs";

        var noTotal = await Post(runs, """{"name":"r","nonEmbeddingParameters":1000,"tokens":20000}""");
        var ownFlops = await Post(runs, """{"name":"r","nonEmbeddingParameters":1000,"totalParameters":3000,"tokens":20000,"flops":5e8}""");
        Assert.Equal(HttpStatusCode.BadRequest, noTotal.Status);
        Assert.True(noTotal.Body.GetProperty("errors").TryGetProperty("totalParameters", out _));
        Assert.Equal(HttpStatusCode.BadRequest, ownFlops.Status);
        Assert.True(ownFlops.Body.GetProperty("errors").TryGetProperty("flops", out _));

        var added = await Post(runs, """{"name":"r","nonEmbeddingParameters":1000,"totalParameters":3000,"tokens":20000}""");
        Assert.Equal(HttpStatusCode.Created, added.Status);
        Assert.Equal(6.0 * 3000 * 20000, added.Body.GetProperty("plannedFlops").GetDouble());   // C = 6·N·D with N = all parameters
        var run = added.Body.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await Post($"api/external/runs/{run}/metrics", """{"points":[{"step":1,"name":"loss","value":5,"tokens":2000}]}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Post($"api/external/runs/{run}/finish", """{"status":"failed","error":"CUDA out of memory"}""")).Status);
        var failed = (await Client.GetSweepAsync(study))!;
        Assert.Equal((1, 1), (failed.Sweep.RunsFinished, failed.Sweep.RunsFailed));

        // The script runs again after the crash: the run is added again, goes on as its next attempt, and finishes.
        var again = await Post(runs, """{"name":"r","nonEmbeddingParameters":1000,"totalParameters":3000,"tokens":20000}""");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(("Running", 2), (again.Body.GetProperty("status").GetString(), again.Body.GetProperty("attempt").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, (await Post($"api/external/runs/{run}/finish", """{"status":"succeeded","finalValLoss":4.2}""")).Status);
        var done = (await Client.GetSweepAsync(study))!;
        Assert.Equal((1, 1, 0), (done.Sweep.RunCount, done.Sweep.RunsFinished, done.Sweep.RunsFailed));
        Assert.Equal(4.2, done.Runs.Single().FinalValLoss);
        Assert.Equal(1, await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{run}'"));
    }

    [Fact]
    public async Task Concurrent_calls_with_one_name_make_one_study_and_one_run()
    {
        var name = $"race-{Guid.NewGuid():N}"[..20];
        var opened = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Post("api/external/studies", $$$"""{"name":"{{{name}}}","accounting":{"compute":"6ND"}}""")));
        Assert.All(opened, o => Assert.True(o.Status is HttpStatusCode.Created or HttpStatusCode.OK, o.Body.ToString()));
        Assert.Single(opened, o => o.Status == HttpStatusCode.Created);
        var study = opened[0].Body.GetProperty("id").GetGuid();

        var added = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Post($"api/external/studies/{study}/runs",
            i == 7 ? """{"name":"r","nonEmbeddingParameters":999,"tokens":20000}"""        // same name, other numbers
                   : """{"name":"r","nonEmbeddingParameters":1000,"tokens":20000}""")));
        Assert.All(added.Take(7), a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict, a.Body.ToString()));
        Assert.Equal(1, added.Count(a => a.Status == HttpStatusCode.Created));
        var detail = (await Client.GetSweepAsync(study))!;
        Assert.Equal(1, detail.Sweep.RunCount);
        var stored = detail.Runs.Single();
        // Whichever came first is stored; every call with the other numbers was told it conflicts.
        var winner = stored.NonEmbeddingParameters == 1000 ? added.Take(7) : added.Skip(7);
        var losers = stored.NonEmbeddingParameters == 1000 ? added.Skip(7) : added.Take(7);
        Assert.All(winner, a => Assert.NotEqual(HttpStatusCode.Conflict, a.Status));
        Assert.All(losers, a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
        Assert.Equal(6.0 * stored.NonEmbeddingParameters * 20000, detail.Sweep.PlannedFlops);
    }

    [Fact]
    public async Task The_python_client_raises_the_problem_with_its_fields()
    {
        var script = """
            import sys, traceback; sys.path.insert(0, "clients/python")
            from scalelab_client import ScaleLab, ScaleLabError
            lab = ScaleLab(sys.argv[1])
            print(repr(lab), file=sys.stderr)
            try:
                lab.study("x", compute="7ND")
            except ScaleLabError as e:
                traceback.print_exc()
                print(e, file=sys.stderr)
                print(e.status, sorted(e.errors))
            """;
        var (code, output, error) = await PythonAsync("-c", script, cluster.Api.BaseAddress!.ToString());
        Assert.True(code == 0, error);
        Assert.Equal("400 ['accounting.compute']", output.Trim());
        Assert.DoesNotContain(ClusterFixture.ApiKey, output + error);
    }
}
