using ScaleLab.Catalog;
using ScaleLab.Dashboard.Runs;
using ScaleLab.Runs;

namespace ScaleLab.Dashboard.Tests;

public class AttemptHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    private static RunLogLine Line(int seconds, int attempt, string source, RunEventKind kind, string message, string? slot = null, int? step = null) =>
        new(T0.AddSeconds(seconds), attempt, source, message, kind, slot, step);

    [Fact]
    public void A_killed_attempt_shows_its_slot_and_why_it_was_requeued_and_the_next_where_it_resumed()
    {
        var attempts = AttemptHistory.From(
        [
            Line(0, 1, "orchestrator", RunEventKind.Assigned, "attempt 1 assigned to slot 127.0.0.1:11112/cpu0", slot: "127.0.0.1:11112/cpu0"),
            Line(1, 1, "worker", RunEventKind.Started, "training on cpu0 in fp32, from scratch", slot: "127.0.0.1:11112/cpu0"),
            Line(20, 1, "worker", RunEventKind.Checkpoint, "checkpoint at step 100 stored", step: 100),
            Line(60, 1, "orchestrator", RunEventKind.Requeued, "re-queued: slot 127.0.0.1:11112/cpu0 missed its heartbeats for 30 s (worker gone?)"),
            Line(61, 2, "orchestrator", RunEventKind.Assigned, "attempt 2 assigned to slot 127.0.0.1:11113/cpu0", slot: "127.0.0.1:11113/cpu0"),
            Line(62, 2, "worker", RunEventKind.Resumed, "training on cpu0 in fp32, resuming from the checkpoint at step 100", slot: "127.0.0.1:11113/cpu0", step: 100),
            Line(90, 2, "orchestrator", RunEventKind.Succeeded, "succeeded after 600 steps: loss 2.1000, val loss 2.2000, 89 s"),
        ]);

        Assert.Equal(2, attempts.Count);
        Assert.Equal(new AttemptSummary(1, "127.0.0.1:11112/cpu0", T0, T0.AddSeconds(60), null,
            "re-queued: slot 127.0.0.1:11112/cpu0 missed its heartbeats for 30 s (worker gone?)"), attempts[0]);
        Assert.Equal(new AttemptSummary(2, "127.0.0.1:11113/cpu0", T0.AddSeconds(61), T0.AddSeconds(90), 100,
            "succeeded after 600 steps: loss 2.1000, val loss 2.2000, 89 s"), attempts[1]);
    }

    [Fact]
    public void The_kind_decides_not_the_wording()
    {
        // A note that reads like an ending, and an ending worded otherwise: only the kinds count.
        var attempts = AttemptHistory.From(
        [
            Line(0, 1, "orchestrator", RunEventKind.Assigned, "placed", slot: "s1"),
            Line(5, 1, "orchestrator", RunEventKind.Note, "stopped early? no: loss 3.1 is within the frontier's band"),
            Line(9, 1, "orchestrator", RunEventKind.Failed, "the worker ran out of memory"),
        ]);

        Assert.Equal(new AttemptSummary(1, "s1", T0, T0.AddSeconds(9), null, "the worker ran out of memory"), attempts.Single());
    }

    [Fact]
    public void An_attempt_still_training_is_in_progress()
    {
        var attempts = AttemptHistory.From(
        [
            Line(0, 1, "orchestrator", RunEventKind.Assigned, "attempt 1 assigned to slot s", slot: "s"),
            Line(5, 1, "worker", RunEventKind.Checkpoint, "checkpoint at step 50 stored", step: 50),
        ]);

        Assert.Equal("in progress", attempts.Single().Outcome);
    }
}
