using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Scheduling;
using ScaleLab.Orchestrator.Sweeps;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>
/// A ladder's branches in the queue and the run rows (<see cref="RunQueue"/>, <see cref="RunStore"/>) on the in-process
/// host's database, whose scheduler never claims: a branch waits for its trunk's success, and fails with its trunk.
/// </summary>
[Collection(ClusterCollection.Name)]
public class LadderLifecycleTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Branches_queue_when_their_trunk_succeeds_and_fail_with_a_reason_when_it_does_not()
    {
        var host = await cluster.InProcessAsync();
        const string json = """
            {"name":"ladder-lifecycle","kind":"ladder","base":{"task":"hmm","seqLen":32,"batchSize":8,"warmupSteps":5},
             "ladder":{"sizes":[3000,12000],"tokensPerParameter":[2,4,8],"aspectRatio":16,"headDim":8}}
            """;
        var errors = new ValidationErrors();
        var sweepId = Guid.CreateVersion7();
        var spec = SweepSpecParser.Parse(json, errors)!;
        var runs = SweepExpander.Expand(sweepId, spec, SweepLimits.Default, errors)!;
        await host.Get<SweepStore>().CreateAsync(sweepId, spec, json, runs, "key test");
        var queue = host.Get<RunQueue>();
        var store = host.Get<RunStore>();
        var trunks = runs.Where(r => r.Config.InitFrom is null).ToList();
        Guid[] BranchesOf(PlannedRun trunk) => runs.Where(r => r.Config.InitFrom?.Run == trunk.RunId).Select(r => r.RunId).ToArray();
        async Task<HashSet<Guid>> QueuedAsync() =>
            (await QueryAsync<Guid>(host, $"SELECT run_id AS \"Value\" FROM run_queue WHERE sweep_id = '{sweepId}'")).ToHashSet();
        RunResult Ended(Guid run, RunStatus status) => new(run, 0, status, 10, 1000, 1e9, status == RunStatus.Succeeded ? 3.0 : null, null, null, 0, 1, status == RunStatus.Failed ? "boom" : null);

        Assert.Equal(2, await queue.EnqueueSweepAsync(sweepId, DateTimeOffset.UtcNow));
        Assert.Equal(trunks.Select(t => t.RunId).ToHashSet(), await QueuedAsync()); // the branches wait for their trunks

        await queue.RemoveWaitingAsync(trunks[0].RunId);
        Assert.NotNull(await store.CompleteAsync(sweepId, Ended(trunks[0].RunId, RunStatus.Succeeded)));
        Assert.True(await store.HasWaitingBranchesAsync(trunks[0].RunId));
        Assert.Equal(2, await queue.EnqueueSweepAsync(sweepId, DateTimeOffset.UtcNow));
        Assert.Superset(BranchesOf(trunks[0]).ToHashSet(), await QueuedAsync());
        Assert.DoesNotContain(BranchesOf(trunks[1]), (await QueuedAsync()).Contains);

        await queue.RemoveWaitingAsync(trunks[1].RunId);
        Assert.NotNull(await store.CompleteAsync(sweepId, Ended(trunks[1].RunId, RunStatus.Failed)));
        Assert.False(await store.FailOrphanedBranchesAsync(sweepId));   // two runs of the first trunk still to go
        Assert.False(await store.FailOrphanedBranchesAsync(sweepId));   // again: nothing left to fail, nothing counted twice
        foreach (var orphan in BranchesOf(trunks[1]))
        {
            var row = (await QueryAsync<string>(host, $"SELECT status || ': ' || error AS \"Value\" FROM runs WHERE id = '{orphan}'")).Single();
            Assert.StartsWith("Failed: the run it branches off", row);
            Assert.Contains("ended Failed", row);
        }
        Assert.Equal(0, await queue.EnqueueSweepAsync(sweepId, DateTimeOffset.UtcNow));

        foreach (var branch in BranchesOf(trunks[0]))
        {
            await queue.RemoveWaitingAsync(branch);
            await store.CompleteAsync(sweepId, Ended(branch, RunStatus.Succeeded));
        }
        var sweep = (await QueryAsync<string>(host, $"SELECT status || ' ' || runs_finished || ' ' || runs_failed AS \"Value\" FROM sweeps WHERE id = '{sweepId}'")).Single();
        Assert.Equal("CompletedWithFailures 6 3", sweep);
    }

    private static async Task<List<T>> QueryAsync<T>(InProcessOrchestrator host, string sql)
    {
        await using var db = await host.Get<IDbContextFactory<ScaleLabDb>>().CreateDbContextAsync();
        return await db.Database.SqlQueryRaw<T>(sql).ToListAsync();
    }
}
