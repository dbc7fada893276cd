using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>
/// The endpoints whose cost is CPU rather than a query (a spec preview expands and accounts a study; a fit runs an
/// optimiser) are rate-limited per client: per API key when one is presented, else per remote address. A token
/// bucket bounds the rate, and a concurrency cap per client bounds how many run at once. A refusal is 429 problem
/// details with Retry-After. Limits are configurable under ScaleLab:RateLimits.
/// </summary>
public static class RateLimits
{
    public const string Previews = "previews";
    public const string Fits = "fits";

    public static IServiceCollection AddScaleLabRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("ScaleLab:RateLimits");
        var concurrency = new Dictionary<string, int>
        {
            [Previews] = section.GetValue("PreviewConcurrency", 4),
            [Fits] = section.GetValue("FitConcurrency", 2),
        };
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Previews, http => Bucket(http, Previews, section.GetValue("PreviewsPerSecond", 10), section.GetValue("PreviewBurst", 30)));
            options.AddPolicy(Fits, http => Bucket(http, Fits, section.GetValue("FitsPerMinute", 120) / 60.0, section.GetValue("FitBurst", 20)));
            // A policy gives one limiter per partition, so the concurrency caps of the same endpoints are the global
            // limiter: one per client, and one over all clients (as many at once as there are cores), so neither one
            // client nor many clients together can keep the orchestrator's cores busy with previews.
            var everyone = Math.Max(1, section.GetValue("TotalConcurrency", Environment.ProcessorCount));
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    Policy(http) is { } policy && concurrency.TryGetValue(policy, out var permits)
                        ? RateLimitPartition.GetConcurrencyLimiter(policy + "|" + Client(http), _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 })
                        : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    Policy(http) is not null
                        ? RateLimitPartition.GetConcurrencyLimiter("all", _ => new ConcurrencyLimiterOptions { PermitLimit = everyone, QueueLimit = 4 * everyone })
                        : RateLimitPartition.GetNoLimiter("")));
            options.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                return new ValueTask(TooManyRequests(context.HttpContext, "too many requests from this client", retryAfter).ExecuteAsync(context.HttpContext));
            };
        });
    }

    /// <summary>429 problem details naming the limit, with Retry-After.</summary>
    public static ProblemHttpResult TooManyRequests(HttpContext http, string detail, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: $"{detail}; retry after {seconds} s", extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds });
    }

    private static RateLimitPartition<string> Bucket(HttpContext http, string policy, double perSecond, int burst)
    {
        // Whole tokens per period: a rate below one per second becomes one token every 1/rate seconds.
        var (tokens, period) = perSecond >= 1 ? ((int)perSecond, TimeSpan.FromSeconds(1)) : (1, TimeSpan.FromSeconds(1 / perSecond));
        return RateLimitPartition.GetTokenBucketLimiter(policy + "|" + Client(http), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst), TokensPerPeriod = Math.Max(1, tokens), ReplenishmentPeriod = period, QueueLimit = 0, AutoReplenishment = true,
        });
    }

    private static string? Policy(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;

    private static string Client(HttpContext http) =>
        http.User.FindFirst(ApiKeys.KeyIdClaim)?.Value is { Length: > 0 } key ? "key:" + key : "ip:" + http.Connection.RemoteIpAddress;
}
