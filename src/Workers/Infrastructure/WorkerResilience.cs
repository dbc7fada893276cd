using Npgsql;
using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace ScaleLab.Workers.Infrastructure;

/// <summary>
/// The worker's retry policies: named Polly pipelines, resolved through <c>ResiliencePipelineProvider&lt;string&gt;</c>
/// and run with <see cref="RunWithinAsync{T}"/>, which gives each call its own time budget. A call they retry may have
/// run already (a timeout proves nothing), so every call passed to them must be idempotent.
/// </summary>
public static class WorkerResilience
{
    /// <summary>
    /// A report to a grain, or a checkpoint upload or read: any failure is retried, with backoff from 250 ms doubling up
    /// to 5 s, until the call's budget has run out; then the last failure is thrown.
    /// </summary>
    public const string IdempotentCall = "worker-idempotent-call";

    /// <summary>
    /// Storing a run's buffered metric points: only the database's transient failures (<see cref="MetricSink.IsTransient"/>)
    /// are retried, with backoff from 200 ms doubling up to 5 s, until the flush's budget has run out.
    /// </summary>
    public const string MetricFlush = "metric-flush";

    /// <summary>
    /// At start, the orchestrator's Orleans schema: polled once a second (unreachable database, or not created yet) until
    /// the budget has run out.
    /// </summary>
    public const string ClusterSchema = "cluster-schema";

    private static readonly ResiliencePropertyKey<DateTimeOffset> Deadline = new("ScaleLab.Deadline");

    public static IServiceCollection AddWorkerResilience(this IServiceCollection services)
    {
        services.AddBudgetedBackoff(IdempotentCall, TimeSpan.FromMilliseconds(250), _ => true);
        services.AddBudgetedBackoff(MetricFlush, TimeSpan.FromMilliseconds(200), MetricSink.IsTransient);
        services.AddResiliencePipeline(ClusterSchema, (pipeline, context) =>
        {
            var (clock, logger) = Dependencies(context.ServiceProvider);
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    (args.Outcome.Exception is NpgsqlException || args.Outcome.Result is false) && WithinBudget(args.Context, clock)),
                MaxRetryAttempts = int.MaxValue, BackoffType = DelayBackoffType.Constant, Delay = TimeSpan.FromSeconds(1),
                OnRetry = args =>
                {
                    logger.LogInformation("Waiting for the cluster schema ({Message})", args.Outcome.Exception?.Message ?? "not created yet");
                    return ValueTask.CompletedTask;
                },
            });
        });
        // Each retry is logged once, by its OnRetry, naming the operation. Polly's own events for these pipelines (every
        // execution at Information, every retry twice more with the exception's stack) stay available at Debug.
        services.Configure<TelemetryOptions>(o =>
        {
            var others = o.SeverityProvider;
            o.SeverityProvider = args => args.Source.PipelineName is IdempotentCall or MetricFlush or ClusterSchema
                ? ResilienceEventSeverity.Debug
                : others?.Invoke(args) ?? args.Event.Severity;
        });
        return services;
    }

    /// <summary>Retries the failures <paramref name="transient"/> accepts, backing off from <paramref name="first"/> doubling up to 5 s, within the call's budget.</summary>
    private static void AddBudgetedBackoff(this IServiceCollection services, string name, TimeSpan first, Func<Exception, bool> transient) =>
        services.AddResiliencePipeline(name, (pipeline, context) =>
        {
            var (clock, logger) = Dependencies(context.ServiceProvider);
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && transient(ex) && WithinBudget(args.Context, clock)),
                MaxRetryAttempts = int.MaxValue, BackoffType = DelayBackoffType.Exponential,
                Delay = first, MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args => LogRetry(logger, args),
            });
        });

    /// <summary>Runs <paramref name="call"/> through <paramref name="pipeline"/>, which retries it until <paramref name="budget"/> from now has run out.</summary>
    /// <param name="operation">What the call does, for the log (the pipeline's operation key).</param>
    /// <param name="clock">The clock the pipeline measures the budget with: the services' <see cref="TimeProvider"/>.</param>
    public static async Task<T> RunWithinAsync<T>(
        this ResiliencePipeline pipeline, string operation, TimeSpan budget, TimeProvider clock, Func<CancellationToken, Task<T>> call, CancellationToken ct = default)
    {
        var context = ResilienceContextPool.Shared.Get(operation, ct);
        context.Properties.Set(Deadline, clock.GetUtcNow() + budget);
        try
        {
            return await pipeline.ExecuteAsync(static async (context, call) => await call(context.CancellationToken), context, call);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public static Task RunWithinAsync(
        this ResiliencePipeline pipeline, string operation, TimeSpan budget, TimeProvider clock, Func<CancellationToken, Task> call, CancellationToken ct = default) =>
        pipeline.RunWithinAsync(operation, budget, clock, async token => { await call(token); return true; }, ct);

    // The budget is checked when a call fails, as a deadline: a call started within it runs to its end. A call run
    // without one (not through RunWithinAsync) is not retried.
    private static bool WithinBudget(ResilienceContext context, TimeProvider clock) =>
        !context.CancellationToken.IsCancellationRequested && clock.GetUtcNow() < context.Properties.GetValue(Deadline, DateTimeOffset.MinValue);

    private static (TimeProvider Clock, ILogger Logger) Dependencies(IServiceProvider services) =>
        (services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WorkerResilience)));

    private static ValueTask LogRetry(ILogger logger, OnRetryArguments<object> args)
    {
        logger.LogWarning("{What} failed ({Message}); retrying in {Delay}", args.Context.OperationKey, args.Outcome.Exception?.Message, args.RetryDelay);
        return ValueTask.CompletedTask;
    }
}
