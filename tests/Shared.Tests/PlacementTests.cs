using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Scheduling;

namespace ScaleLab.Shared.Tests;

public class PlacementTests
{
    private static readonly RunConfig Gpt2Small = new()
    {
        Tokenizer = "bpe", BpeVocab = 50304, DModel = 768, NLayers = 12, NHeads = 12, SeqLen = 1024, BatchSize = 16, Tokens = 1 << 24,
    };

    private static RunTicket Ticket(RunConfig config, int priority = 0, Guid? sweep = null) =>
        new(Guid.NewGuid(), sweep ?? Guid.NewGuid(), "r", priority, config);

    private static WorkerSlot Gpu(long gib) => new($"gpu-{gib}", "cuda", 0, "NVIDIA H100", gib << 30, null);

    [Fact]
    public void The_estimate_matches_the_h100_measurement_of_gpt2_small()
    {
        // Measured: 25.0 GiB peak on the H100 (bench/gpu, bf16, batch 16 x 1024).
        var gib = MemoryEstimate.TrainingBytes(Gpt2Small, cuda: true) / (double)(1L << 30);
        Assert.InRange(gib, 22, 28);
        // Micro-batches cut the activations and logits, not the parameter state.
        var accumulated = MemoryEstimate.TrainingBytes(Gpt2Small with { MicroBatches = 4 }, cuda: true) / (double)(1L << 30);
        Assert.InRange(accumulated, 6, 10);
    }

    [Fact]
    public void A_run_goes_only_to_a_slot_with_room_for_it()
    {
        var big = Ticket(Gpt2Small, priority: 5);
        var small = Ticket(new RunConfig());
        var queue = new List<RunTicket> { big, small };

        Assert.Equal(1, DispatchPolicy.PickNext(queue, [], Gpu(16)));   // the priority run does not fit 16 GiB: the small one goes
        Assert.Equal(0, DispatchPolicy.PickNext(queue, [], Gpu(80)));   // on 80 GiB the priority run goes first
        Assert.Equal(-1, DispatchPolicy.PickNext([big], [], Gpu(16)));  // nothing fits: the slot stays free
        Assert.Equal(0, DispatchPolicy.PickNext([big], [], Gpu(0)));    // a slot that reports no memory takes anything
    }

    [Fact]
    public void Among_runs_that_fit_priority_then_fair_share_then_arrival_decide()
    {
        var (busy, idle) = (Guid.NewGuid(), Guid.NewGuid());
        var queue = new List<RunTicket> { Ticket(new RunConfig(), sweep: busy), Ticket(new RunConfig(), sweep: idle), Ticket(new RunConfig(), sweep: idle) };
        var running = new[] { Ticket(new RunConfig(), sweep: busy) };

        Assert.Equal(1, DispatchPolicy.PickNext(queue, running, Gpu(80)));          // the sweep with nothing running, its first run
        queue.Add(Ticket(new RunConfig(), priority: 1, sweep: busy));
        Assert.Equal(3, DispatchPolicy.PickNext(queue, running, Gpu(80)));          // priority beats fair share
    }
}
