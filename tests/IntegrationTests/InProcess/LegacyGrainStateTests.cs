using Orleans.Serialization;
using ScaleLab.Orchestrator.Scheduling;
using ScaleLab.Orchestrator.Sweeps;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>
/// Grain state names its values' types with their assemblies. State that an older version wrote, when the domain and
/// the contracts were one assembly (ScaleLab.Shared), still reads: a database keeps its queue and sweeps across the
/// upgrade. Read with the grain storage's own serializer, as the orchestrator host configures it.
/// </summary>
[Collection(ClusterCollection.Name)]
public class LegacyGrainStateTests(ClusterFixture cluster) : IAsyncLifetime
{
    private OrleansJsonSerializer _serializer = null!;

    public async Task InitializeAsync() => _serializer = (await cluster.InProcessAsync()).Get<OrleansJsonSerializer>();

    public Task DisposeAsync() => Task.CompletedTask;

    // The shape the scheduler's row had in a database written before the split (taken from one, with a ticket added).
    private const string LegacyScheduler = """
        {"$id":"1","$type":"ScaleLab.Orchestrator.Scheduling.SchedulerState, ScaleLab.Orchestrator",
         "Queue":{"$type":"System.Collections.Generic.List`1[[ScaleLab.Scheduling.RunTicket, ScaleLab.Shared]], System.Private.CoreLib","$values":[
           {"$id":"2","$type":"ScaleLab.Scheduling.RunTicket, ScaleLab.Shared","RunId":"1f2ce809-8a00-8484-9bcc-8a49ed72f9c1",
            "SweepId":"60a2cb44-e87d-8545-8d14-a019a2fe1cea","Name":"dModel=96","Priority":2,
            "Config":{"$id":"3","$type":"ScaleLab.Runs.RunConfig, ScaleLab.Shared","DModel":96,"Mixer":"gla","LearningRate":0.0025,
              "Dataset":{"$id":"4","$type":"ScaleLab.Datasets.DatasetSpec, ScaleLab.Shared","Source":"blob://corpus/a.jsonl"}}}]},
         "Slots":{"$id":"5","$type":"System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[ScaleLab.Orchestrator.Scheduling.SlotAssignment, ScaleLab.Orchestrator]], System.Private.CoreLib",
           "127.0.0.1:11112@155152858/cpu0":{"$id":"6","$type":"ScaleLab.Orchestrator.Scheduling.SlotAssignment, ScaleLab.Orchestrator",
             "Slot":{"$id":"7","$type":"ScaleLab.Scheduling.WorkerSlot, ScaleLab.Shared","SlotId":"127.0.0.1:11112@155152858/cpu0","DeviceKind":"cpu",
               "DeviceName":"CPU (2 cores)","MemoryBytes":25275953152},"AssignedAt":"2026-12-01T18:03:26.4400766+00:00","LastSeen":"2026-12-01T18:03:30.3769684+00:00"}},
         "Attempts":{"$id":"8","$type":"System.Collections.Generic.Dictionary`2[[System.Guid, System.Private.CoreLib],[System.Int32, System.Private.CoreLib]], System.Private.CoreLib",
           "1f2ce809-8a00-8484-9bcc-8a49ed72f9c1":1}}
        """;

    private const string LegacySweep = """
        {"$id":"1","$type":"ScaleLab.Orchestrator.Sweeps.SweepState, ScaleLab.Orchestrator","Accepted":true,"RunCount":4,
         "EarlyStopping":{"$id":"2","$type":"ScaleLab.Sweeps.EarlyStopping, ScaleLab.Shared","Metric":"val_loss","Mode":"min","ReductionFactor":4,"GracePeriod":50},
         "Unfinished":{"$type":"System.Collections.Generic.HashSet`1[[System.Guid, System.Private.CoreLib]], System.Private.CoreLib","$values":[]},"Succeeded":4}
        """;

    [Fact]
    public void A_scheduler_queue_written_before_the_split_reads_whole()
    {
        var state = (SchedulerState)_serializer.Deserialize(typeof(SchedulerState), LegacyScheduler)!;

        var ticket = Assert.Single(state.Queue);
        Assert.Equal(("dModel=96", 2, 96, "gla", 0.0025), (ticket.Name, ticket.Priority, ticket.Config.DModel, ticket.Config.Mixer, ticket.Config.LearningRate));
        Assert.Equal("blob://corpus/a.jsonl", ticket.Config.Dataset!.Source);
        Assert.Equal(25275953152, state.Slots.Values.Single().Slot.MemoryBytes);
        Assert.Equal(1, state.Attempts[ticket.RunId]);
    }

    [Fact]
    public void A_sweep_written_before_the_split_keeps_its_early_stopping_and_new_state_names_the_new_assemblies()
    {
        var state = (SweepState)_serializer.Deserialize(typeof(SweepState), LegacySweep)!;

        Assert.Equal((4, 50), (state.EarlyStopping!.ReductionFactor, state.EarlyStopping.GracePeriod));
        var written = _serializer.Serialize(state, typeof(SweepState));
        Assert.Contains("ScaleLab.Sweeps.EarlyStopping, ScaleLab.Domain", written);
        Assert.DoesNotContain("ScaleLab.Shared", written);
        Assert.Equal(state.EarlyStopping, ((SweepState)_serializer.Deserialize(typeof(SweepState), written)!).EarlyStopping);
    }
}
