namespace ScaleLab.Workers.Infrastructure;

/// <summary>Retries an idempotent call with capped exponential backoff until a time budget runs out.</summary>
public static class Retry
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> call, TimeSpan budget, ILogger logger, string what, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + budget;
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (DateTime.UtcNow < deadline && !ct.IsCancellationRequested)
            {
                logger.LogWarning("{What} failed ({Message}); retrying in {Delay}", what, ex.Message, delay);
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    public static Task UntilAsync(Func<Task> call, TimeSpan budget, ILogger logger, string what, CancellationToken ct = default) =>
        UntilAsync(async () => { await call(); return true; }, budget, logger, what, ct);
}
