namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>
/// Retries a grain call that is safe to repeat (submitting a sweep under a fixed id, cancelling one) when the
/// storage behind it failed transiently. The typical case: just after PostgreSQL restarts, the first command on a
/// pooled connection that died with the server fails, and the next one, on a fresh connection, succeeds.
/// </summary>
public static class IdempotentCall
{
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, ILogger logger, string what, int attempts = 4)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (attempt < attempts && ex is not ArgumentException)
            {
                logger.LogWarning("{What} failed ({Message}); retrying ({Attempt}/{Attempts})", what, ex.Message, attempt, attempts - 1);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt * attempt));
            }
        }
    }

    public static Task RetryAsync(Func<Task> call, ILogger logger, string what, int attempts = 4) =>
        RetryAsync(async () => { await call(); return true; }, logger, what, attempts);
}
