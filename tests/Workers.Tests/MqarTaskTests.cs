using ScaleLab.Runs;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Tasks;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

public class MqarTaskTests
{
    private static readonly RunConfig Config = new() { Task = "mqar", MqarVocab = 64, MqarPairs = 6, SeqLen = 40, BatchSize = 32, Seed = 3 };

    [Fact]
    public void Each_query_asks_for_the_value_paired_with_its_key_earlier_in_the_sequence()
    {
        var (input, target) = new MqarTask(Config).Train(step: 5, CPU);
        var x = input.data<long>().ToArray();
        var y = target.data<long>().ToArray();
        var (t, pairs, half) = (Config.SeqLen, Config.MqarPairs, Config.MqarVocab / 2);

        for (var row = 0; row < Config.BatchSize; row++)
        {
            var context = Enumerable.Range(0, pairs).ToDictionary(i => x[row * t + 2 * i], i => x[row * t + 2 * i + 1]);
            Assert.Equal(pairs, context.Count);                                           // keys are distinct
            Assert.All(context.Keys, k => Assert.InRange(k, 0, half - 1));
            Assert.All(context.Values, v => Assert.InRange(v, half, Config.MqarVocab - 1));

            var scored = Enumerable.Range(0, t).Where(i => y[row * t + i] != ITrainingTask.Ignore).ToList();
            Assert.Equal(pairs, scored.Count);                                            // each pair queried once
            Assert.All(scored, i => Assert.True(i >= 2 * pairs, "a query inside the key-value context"));
            Assert.Equal(context.Keys.Order(), scored.Select(i => x[row * t + i]).Order());
            Assert.All(scored, i => Assert.Equal(context[x[row * t + i]], y[row * t + i]));
        }
    }

    [Fact]
    public void Batches_are_a_pure_function_of_seed_and_step_and_validation_is_separate()
    {
        var task = new MqarTask(Config);
        Assert.True(task.Train(7, CPU).Input.equal(new MqarTask(Config).Train(7, CPU).Input).all().item<bool>());
        Assert.False(task.Train(7, CPU).Input.equal(task.Train(8, CPU).Input).all().item<bool>());
        Assert.False(task.Train(7, CPU).Input.equal(new MqarTask(Config with { Seed = 4 }).Train(7, CPU).Input).all().item<bool>());
        Assert.False(task.Validation(0, CPU).Input.equal(task.Train(0, CPU).Input).all().item<bool>());
    }

    [Fact]
    public void Queries_follow_the_pairs_closely_as_zoologys_power_law_draws_them()
    {
        var long_ = Config with { SeqLen = 256, BatchSize = 64 };
        var (_, target) = new MqarTask(long_).Train(0, CPU);
        var y = target.data<long>().ToArray();
        var offsets = Enumerable.Range(0, y.Length).Where(i => y[i] != ITrainingTask.Ignore).Select(i => i % 256 - 2 * long_.MqarPairs).ToList();
        // With weights ∝ s^-0.99 over 122 slots, about half of the draws land in the first ~15 slots (30 tokens).
        Assert.InRange(offsets.Count(o => o < 30) / (double)offsets.Count, 0.35, 0.75);
    }
}
