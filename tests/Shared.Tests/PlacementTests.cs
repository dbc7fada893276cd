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
    public void A_slot_takes_runs_up_to_its_memory_and_a_slot_that_reports_none_takes_any()
    {
        var (cuda, cpu) = DispatchPolicy.EstimatesOf(Gpt2Small);

        Assert.Equal(MemoryEstimate.TrainingBytes(Gpt2Small, cuda: true), cuda);
        Assert.Equal(MemoryEstimate.TrainingBytes(Gpt2Small, cuda: false), cpu);
        Assert.Equal(16L << 30, DispatchPolicy.RoomOf(Gpu(16)));
        Assert.Null(DispatchPolicy.RoomOf(Gpu(0)));
    }

    private static QueuedSweep Sweep(string owner, long position, int priority = 0) => new(Guid.NewGuid(), owner, priority, position, Queued: 10);

    [Fact]
    public void Priority_then_the_owner_with_fewest_runs_on_slots_then_the_sweep_with_fewest_then_arrival()
    {
        var bigOfAlice = Sweep("alice", position: 1);
        var smallOfBob = Sweep("bob", position: 10_001);
        var secondOfAlice = Sweep("alice", position: 20_000);
        var running = Enumerable.Repeat((bigOfAlice.SweepId, "alice"), 3).ToList();

        // Bob has nothing on slots: his sweep, queued after 10,000 of Alice's runs, goes first; then Alice's idle sweep.
        Assert.Equal([smallOfBob, secondOfAlice, bigOfAlice], DispatchPolicy.Order([bigOfAlice, smallOfBob, secondOfAlice], running));
        // With equal shares, the sweep queued first.
        Assert.Equal([bigOfAlice, smallOfBob], DispatchPolicy.Order([smallOfBob, bigOfAlice], []));
        // Priority beats fair share; a sweep with nothing waiting is not offered a slot.
        var urgent = Sweep("alice", position: 30_000, priority: 1);
        Assert.Equal([urgent, smallOfBob], DispatchPolicy.Order([smallOfBob with { }, urgent, secondOfAlice with { Queued = 0 }], running));
    }

    [Fact]
    public void Shares_even_out_as_slots_fill()
    {
        // Two owners with one sweep each and 6 slots to fill one at a time: the owners alternate.
        var (alice, bob) = (Sweep("alice", 1), Sweep("bob", 2));
        var running = new List<(Guid, string)>();
        for (var slot = 0; slot < 6; slot++)
        {
            var next = DispatchPolicy.Order([alice, bob], running)[0];
            running.Add((next.SweepId, next.Owner));
        }
        Assert.Equal(["alice", "bob", "alice", "bob", "alice", "bob"], running.Select(r => r.Item2));
    }

    [Fact]
    public void With_one_slot_owners_then_their_sweeps_take_turns()
    {
        // One slot, freed after every run: nobody has a run on a slot when it is offered, so the turn decides.
        var (aliceBig, aliceSmall, bob) = (Sweep("alice", 1), Sweep("alice", 2), Sweep("bob", 3));
        var served = new LastServed();
        var order = new List<QueuedSweep>();
        for (var run = 0; run < 6; run++)
        {
            var next = DispatchPolicy.Order([aliceBig, aliceSmall, bob], [], served)[0];
            served.Served(next);
            order.Add(next);
        }
        Assert.Equal([aliceBig, bob, aliceSmall, bob, aliceBig, bob], order);

        // A sweep that leaves the queue is forgotten, and so is an owner with nothing left waiting.
        served.Forget([aliceBig]);
        Assert.Equal([aliceBig.SweepId], served.Sweeps.Keys);
        Assert.Equal(["alice"], served.Owners.Keys);
    }

    [Fact]
    public void A_batch_plan_shares_slots_as_offering_them_one_at_a_time_would_and_skips_misfits()
    {
        var (alice, bob) = (Sweep("alice", 1) with { Queued = 2 }, Sweep("bob", 2) with { Queued = 5 });
        var served = new LastServed();

        var plan = DispatchPolicy.Plan(["s1", "s2", "s3", "s4", "s5"], [alice, bob], [], served);

        // Alternating owners until Alice's 2 runs are planned, then Bob's; a slot left over when the queue runs dry gets none.
        Assert.Equal([("s1", "alice"), ("s2", "bob"), ("s3", "alice"), ("s4", "bob"), ("s5", "bob")], plan.Select(p => (p.SlotId, p.Sweep.Owner)));
        Assert.Equal(3, DispatchPolicy.Plan(["a", "b", "c", "d"], [alice with { Queued = 1 }, bob with { Queued = 2 }], [], served).Count);
        // Planning does not count as serving: the turns move only when the claims land.
        Assert.Empty(served.Sweeps);

        // A slot that none of Alice's runs fits is offered Bob's sweep instead; a slot that fits nothing gets no offer.
        var misfits = new HashSet<(string, Guid)> { ("s1", alice.SweepId), ("s2", alice.SweepId), ("s2", bob.SweepId) };
        Assert.Equal([("s1", "bob"), ("s3", "alice")], DispatchPolicy.Plan(["s1", "s2", "s3"], [alice, bob], [], served, misfits).Select(p => (p.SlotId, p.Sweep.Owner)));
    }
}
