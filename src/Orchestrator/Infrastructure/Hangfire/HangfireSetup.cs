using Hangfire;
using Hangfire.Dashboard;
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
        services.AddHangfireServer(o => o.WorkerCount = 2);
        return services;
    }

    /// <summary>The dashboard answers loopback requests only; expose it through an authenticating proxy if needed.</summary>
    public static void MapScaleLabHangfireDashboard(this WebApplication app) =>
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new LocalRequestsOnlyAuthorizationFilter()],
            DisplayStorageConnectionString = false,
        });
}
