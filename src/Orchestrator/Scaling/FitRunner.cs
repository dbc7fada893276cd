using ScaleLab.Scaling;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Scaling;

/// <summary>
/// Every fit this process runs (POST /api/fits, and POST /api/fits/preview, which the dashboard uses and which needs no
/// key) goes through here. A fit is CPU work that grows with points x bootstrap resamples, so: at most
/// <see cref="Concurrency"/> run at once, one thread each (default: half the cores, at least one), a fit waits at
/// most <see cref="QueueWait"/> for its turn and is then refused as busy, and a running fit is stopped after
/// <see cref="TimeLimit"/>. Whatever is sent, fits cannot take more than that share of the machine that also
/// schedules every run.
/// </summary>
public sealed class FitRunner(IConfiguration configuration, ILogger<FitRunner> logger)
{
    public int Concurrency { get; } = Math.Max(1, configuration.GetValue("ScaleLab:Fits:Concurrency", Environment.ProcessorCount / 2));
    public TimeSpan TimeLimit { get; } = TimeSpan.FromSeconds(configuration.GetValue("ScaleLab:Fits:TimeLimitSeconds", 10.0));
    public TimeSpan QueueWait { get; } = TimeSpan.FromSeconds(configuration.GetValue("ScaleLab:Fits:QueueWaitSeconds", 5.0));

    private SemaphoreSlim? _slots;
    private SemaphoreSlim Slots => LazyInitializer.EnsureInitialized(ref _slots, () => new SemaphoreSlim(Concurrency, Concurrency));

    public sealed record Outcome(FitResult? Result, bool Busy);

    /// <summary>
    /// Other fitting work (a loss-curve prediction) in the same slots and under the same limits; not run when no slot
    /// freed up in time or the work ran past <see cref="TimeLimit"/> (Ran false). The work must use one thread and
    /// honour the token.
    /// </summary>
    public async Task<(bool Ran, T? Value)> RunInSlotAsync<T>(Func<CancellationToken, T?> work, CancellationToken ct)
    {
        if (!await Slots.WaitAsync(QueueWait, ct)) return (false, default);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeLimit);
            try
            {
                return (true, await Task.Run(() => work(deadline.Token), CancellationToken.None));
            }
            catch (Exception ex) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested && IsCancellation(ex))
            {
                return (false, default);
            }
        }
        finally
        {
            Slots.Release();
        }
    }

    /// <summary>The fit, or null with the reasons in <paramref name="errors"/>; Busy when no slot freed up in time.</summary>
    public async Task<Outcome> RunAsync(IReadOnlyList<ScalingPoint> points, FitOptions options, ValidationErrors errors, CancellationToken ct)
    {
        FitInputValidator.Validate(points, options, errors); // before queueing: refusals cost no slot
        if (!errors.IsEmpty) return new Outcome(null, Busy: false);
        if (!await Slots.WaitAsync(QueueWait, ct))
        {
            errors.Add("fit", $"{Concurrency} fit(s) are already running; try again in a few seconds");
            return new Outcome(null, Busy: true);
        }
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeLimit);
            var bounded = options with { MaxThreads = 1, Cancellation = deadline.Token };
            try
            {
                return new Outcome(await Task.Run(() => ScalingAnalysis.Run(points, bounded, errors), CancellationToken.None), Busy: false);
            }
            catch (Exception ex) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested && IsCancellation(ex))
            {
                errors.Add(options.Bootstrap > 0 ? "bootstrap" : "points",
                    $"this fit of {points.Count} points with {options.Bootstrap} bootstrap resamples needs more than the service's " +
                    $"{TimeLimit.TotalSeconds:0} s; fit fewer points or resamples here, or any size with `scalelab fit` on your own machine");
                return new Outcome(null, Busy: false);
            }
            catch (Exception ex) when (!IsCancellation(ex))
            {
                // The numerics met something they do not handle: the points cannot be fitted, which is the caller's
                // answer (a problem naming the points), not a server error.
                logger.LogWarning(ex, "A {Law} fit of {Points} points failed", options.Law, points.Count);
                errors.Add("points", $"these points could not be fitted ({ex.Message})");
                return new Outcome(null, Busy: false);
            }
        }
        finally
        {
            Slots.Release();
        }
    }

    private static bool IsCancellation(Exception ex) =>
        ex is OperationCanceledException || ex is AggregateException agg && agg.Flatten().InnerExceptions.All(e => e is OperationCanceledException);
}
