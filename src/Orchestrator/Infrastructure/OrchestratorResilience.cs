using Microsoft.EntityFrameworkCore;
using Npgsql;
using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>
/// The orchestrator's retry policies: named Polly pipelines, resolved through <c>ResiliencePipelineProvider&lt;string&gt;</c>
/// and run with <see cref="RunAsync{T}"/>, which names the operation for the log. A call they retry may have run
/// already, so every call passed to them must be idempotent.
/// </summary>
public static class OrchestratorResilience
{
    /// <summary>
    /// A grain call that is safe to repeat (submitting a sweep under a fixed id, cancelling one), retried when the storage
    /// behind it failed transiently. The typical case: just after PostgreSQL restarts, the first command on a pooled
    /// connection that died with the server fails, and the next one, on a fresh connection, succeeds. 4 attempts, 250 ms
    /// × n² apart; an <see cref="ArgumentException"/> is the caller's mistake and is not retried.
    /// </summary>
    public const string IdempotentGrainCall = "idempotent-grain-call";

    /// <summary>The first connection at start: PostgreSQL may still be starting. 30 attempts, 1 s apart.</summary>
    public const string PostgresAtStart = "postgres-at-start";

    /// <summary>
    /// Registering a data set: two registrations of one name raced and the loser hit the unique name; it tries again at
    /// once, reading the winner's row. 3 attempts.
    /// </summary>
    public const string DatasetRegistration = "dataset-registration";

    private const int GrainCallAttempts = 4;

    public static IServiceCollection AddOrchestratorResilience(this IServiceCollection services)
    {
        services.AddResiliencePipeline(IdempotentGrainCall, (pipeline, context) =>
        {
            var logger = LoggerOf(context.ServiceProvider);
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && ex is not ArgumentException),
                MaxRetryAttempts = GrainCallAttempts - 1,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(TimeSpan.FromMilliseconds(250 * (args.AttemptNumber + 1) * (args.AttemptNumber + 1))),
                OnRetry = args =>
                {
                    logger.LogWarning("{What} failed ({Message}); retrying ({Attempt}/{Attempts})",
                        args.Context.OperationKey, args.Outcome.Exception?.Message, args.AttemptNumber + 1, GrainCallAttempts - 1);
                    return ValueTask.CompletedTask;
                },
            });
        });
        services.AddResiliencePipeline(PostgresAtStart, (pipeline, context) =>
        {
            var logger = LoggerOf(context.ServiceProvider);
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(),
                MaxRetryAttempts = 29, BackoffType = DelayBackoffType.Constant, Delay = TimeSpan.FromSeconds(1),
                OnRetry = args =>
                {
                    logger.LogWarning("PostgreSQL not reachable yet ({Message}); retrying", args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            });
        });
        services.AddResiliencePipeline(DatasetRegistration, pipeline => pipeline.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<DbUpdateException>(ex => ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }),
            MaxRetryAttempts = 2, Delay = TimeSpan.Zero,
        }));
        // Each retry is logged once, by its OnRetry, naming the operation. Polly's own events for these pipelines (every
        // execution at Information, every retry twice more with the exception's stack) stay available at Debug.
        services.Configure<TelemetryOptions>(o =>
        {
            var others = o.SeverityProvider;
            o.SeverityProvider = args => args.Source.PipelineName is IdempotentGrainCall or PostgresAtStart or DatasetRegistration
                ? ResilienceEventSeverity.Debug
                : others?.Invoke(args) ?? args.Event.Severity;
        });
        return services;
    }

    /// <summary>Runs <paramref name="call"/> through <paramref name="pipeline"/>; <paramref name="operation"/> names it in the log.</summary>
    public static async Task<T> RunAsync<T>(this ResiliencePipeline pipeline, string operation, Func<CancellationToken, Task<T>> call, CancellationToken ct = default)
    {
        var context = ResilienceContextPool.Shared.Get(operation, ct);
        try
        {
            return await pipeline.ExecuteAsync(static async (context, call) => await call(context.CancellationToken), context, call);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public static Task RunAsync(this ResiliencePipeline pipeline, string operation, Func<CancellationToken, Task> call, CancellationToken ct = default) =>
        pipeline.RunAsync(operation, async token => { await call(token); return true; }, ct);

    private static ILogger LoggerOf(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OrchestratorResilience));
}
