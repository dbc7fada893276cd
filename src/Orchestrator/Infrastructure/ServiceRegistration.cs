using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Catalog;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Scheduling;
using ScaleLab.Orchestrator.Sweeps;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Infrastructure;

public static class ServiceRegistration
{
    public static string PostgresConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString("Postgres")
        ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set (env ConnectionStrings__Postgres); ./run.sh sets it for the local stack");

    /// <summary>
    /// PostgreSQL compiles a plan with its JIT when the plan's estimated cost is high, and a list of run ids through ANY
    /// is estimated at hundreds of thousands of rows: a sweep's 1,000 curves (25 ms of work) took 115 ms, 90 of them
    /// compiling. The application's queries are all short reads and writes, so its connections run without JIT.
    /// </summary>
    public static string WithoutJit(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c jit=off" : builder.Options + " -c jit=off";
        return builder.ConnectionString;
    }

    /// <summary>
    /// The application's sessions: without JIT, and with the statements it sends thousands of times (a dispatch, a run's
    /// begin and completion) prepared on each connection after a few uses, so PostgreSQL plans them once per connection
    /// rather than on every call.
    /// </summary>
    public static string ForApplication(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(WithoutJit(connectionString));
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.PostgresConnectionString();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        // The request log's Information lines carry the full URL, query string included: a key pasted into a query
        // would land in the log. Warnings and errors still come through.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        // EF logs every statement it executes at Information: at a few hundred dispatches a second that is most of
        // what the orchestrator writes, and a good part of its CPU. Slow or failed statements still come through.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOrchestratorResilience();
        services.AddDbContextFactory<ScaleLabDb>(o => o.UseNpgsql(ForApplication(connectionString), npgsql => npgsql.EnableRetryOnFailure(5)));
        services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(ForApplication(connectionString)));
        services.AddSingleton<RunQueue>();
        services.AddSingleton<SweepStore>();
        services.AddSingleton<Datasets.DatasetStore>();
        services.AddSingleton<Datasets.DatasetReferences>();
        services.AddSingleton<Sweeps.SpecCheck>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<External.ExternalStore>();
        services.AddSingleton<Scaling.FitStore>();
        services.AddSingleton<RunLog>();
        if (builder.Configuration.GetConnectionString("Blobs") is { Length: > 0 } blobs) services.AddSingleton(new Azure.Storage.Blobs.BlobServiceClient(blobs));
        services.AddSingleton<CatalogQueries>();
        services.AddSingleton<Scaling.SweepPoints>();
        services.AddSingleton(SweepLimits.Default);
        services.AddSingleton(new SchedulerOptions());

        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddProblemDetails();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyAuthentication.MutationsPolicy, p => p.RequireAuthenticatedUser());
        services.AddOpenApi(o => o.AddApiKeyScheme());
        // Registering antiforgery switches on the Hangfire dashboard's own CSRF check (a token in every page, required
        // on its POSTs): the dashboard accepts Basic authentication, which browsers resend on cross-site requests.
        services.AddAntiforgery();
        services.AddHealthChecks();
        services.AddScaleLabRateLimits(builder.Configuration);
        services.AddSingleton<Scaling.FitRunner>();
        services.AddSingleton<LossPredictions>();
        services.AddScaleLabHangfire(connectionString);
        services.AddSingleton<Schedules.ScheduleStore>();
        services.AddTransient<Schedules.ScheduledStudyJob>();
        services.AddHostedService<Schedules.ScheduleJobs.Reconciler>();
        builder.AddScaleLabSilo(connectionString);
    }
}
