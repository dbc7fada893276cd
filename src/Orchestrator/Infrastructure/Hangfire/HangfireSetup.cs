using Hangfire;
using Hangfire.PostgreSql;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>Hangfire on the same PostgreSQL (schema "hangfire"), for scheduled and background jobs.</summary>
public static class HangfireSetup
{
    public static IServiceCollection AddScaleLabHangfire(this IServiceCollection services, string connectionString)
    {
        services.AddHangfire(config => config
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString),
                new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true }));
        services.AddHangfireServer(o =>
        {
            o.WorkerCount = 2;
            o.SchedulePollingInterval = TimeSpan.FromSeconds(5); // cron schedules may fire every 10 s (CronSchedule.MinimumInterval)
        });
        return services;
    }

    /// <summary>The dashboard needs an API key (header, or the password of Basic authentication in a browser).</summary>
    public static void MapScaleLabHangfireDashboard(this WebApplication app) =>
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new ApiKeyDashboardAuthorization(app.Configuration)],
            DisplayStorageConnectionString = false,
            AppPath = null,
        });
}
