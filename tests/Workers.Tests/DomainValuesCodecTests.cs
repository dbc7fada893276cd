using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using ScaleLab.Datasets;
using ScaleLab.Hosting;
using ScaleLab.Runs;
using ScaleLab.Scheduling;
using ScaleLab.Sweeps;

namespace ScaleLab.Workers.Tests;

/// <summary>
/// The domain library has no Orleans attributes; its values cross silos and enter grain state through the JSON codec
/// that every silo registers. A field the codec dropped would change a run on its way to a worker.
/// </summary>
public class DomainValuesCodecTests
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddSerializer(s => s.AddDomainValues()).BuildServiceProvider();

    private static T RoundTrip<T>(T value)
    {
        var serializer = Services.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
    }

    private static readonly RunConfig Config = new()
    {
        Task = "hmm", DModel = 96, NLayers = 3, NHeads = 6, SeqLen = 48, BatchSize = 5, Tokens = 123_457, LearningRate = 2.5e-3,
        Mixer = "hybrid", HybridPattern = "gla,softmax", Positions = "learned", TieEmbeddings = false, Precision = "bf16",
        DecayFraction = 0.3, HmmStates = 7, Seed = 42,
        Dataset = new DatasetSpec { Source = "blob://corpus/a.jsonl", Tokenizer = "r50k_base", ValidationFraction = 0.05 },
    };

    [Fact]
    public void A_config_keeps_every_field()
    {
        var config = RoundTrip(Config);

        Assert.Equal(SpecJson(Config), SpecJson(config));
        Assert.Equal(Config.Dataset, config.Dataset);
        Assert.NotEqual(SpecJson(new RunConfig()), SpecJson(config));
    }

    [Fact]
    public void A_generated_message_carries_a_domain_config_and_a_domain_snapshot_keeps_its_slots()
    {
        var assignment = new RunAssignment(Guid.NewGuid(), Guid.NewGuid(), "run-1", Config, Attempt: 2);
        var slot = new WorkerSlot("silo/cuda0", "cuda", 0, "NVIDIA H200", 141L << 30, Guid.NewGuid());
        var snapshot = new SchedulerSnapshot(12, [new SlotView(slot, slot.CurrentRunId, DateTimeOffset.UnixEpoch.AddDays(20_000))]);

        var assignmentBack = RoundTrip(assignment);
        var snapshotBack = RoundTrip(snapshot);

        Assert.Equal(SpecJson(assignment.Config), SpecJson(assignmentBack.Config));
        Assert.Equal(assignment.Attempt, assignmentBack.Attempt);
        Assert.Equal(12, snapshotBack.QueuedRuns);
        Assert.Equal(snapshot.Slots.Single(), snapshotBack.Slots.Single());
    }

    [Fact]
    public void Not_a_number_travels_and_a_copy_is_a_new_object()
    {
        var diverged = Config with { LearningRate = double.NaN };
        var stopping = new EarlyStopping(ReductionFactor: 4, GracePeriod: 7);

        Assert.True(double.IsNaN(RoundTrip(diverged).LearningRate));
        Assert.Equal(stopping, RoundTrip(stopping));
        var copy = Services.GetRequiredService<DeepCopier>().Copy(diverged);
        Assert.NotSame(diverged, copy);
        Assert.True(double.IsNaN(copy.LearningRate));
        Assert.Equal(SpecJson(Config), SpecJson(copy with { LearningRate = Config.LearningRate }));
    }

    private static string SpecJson(RunConfig config) => System.Text.Json.JsonSerializer.Serialize(config, Sweeps.SpecJson.Options);
}
