using Orleans.Serialization;
using ScaleLab.Orchestrator.Sweeps;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>
/// Grain state names its values' types with their assemblies. State that an older version wrote, when the domain and
/// the contracts were one assembly (ScaleLab.Shared), still reads: a database keeps its sweeps across the upgrade (the
/// scheduler's old row is carried into its queue table by a migration, see RunQueueTests). Read with the grain
/// storage's own serializer, as the orchestrator host configures it.
/// </summary>
[Collection(ClusterCollection.Name)]
public class LegacyGrainStateTests(ClusterFixture cluster) : IAsyncLifetime
{
    private OrleansJsonSerializer _serializer = null!;

    public async Task InitializeAsync() => _serializer = (await cluster.InProcessAsync()).Get<OrleansJsonSerializer>();

    public Task DisposeAsync() => Task.CompletedTask;

    private const string LegacySweep = """
        {"$id":"1","$type":"ScaleLab.Orchestrator.Sweeps.SweepState, ScaleLab.Orchestrator","Accepted":true,"RunCount":4,
         "EarlyStopping":{"$id":"2","$type":"ScaleLab.Sweeps.EarlyStopping, ScaleLab.Shared","Metric":"val_loss","Mode":"min","ReductionFactor":4,"GracePeriod":50},
         "Unfinished":{"$type":"System.Collections.Generic.HashSet`1[[System.Guid, System.Private.CoreLib]], System.Private.CoreLib","$values":[]},"Succeeded":4}
        """;

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
