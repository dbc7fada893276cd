using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScaleLab.Orchestrator.Infrastructure.Database;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>
/// The orchestrator's own Program (the same services, middleware and endpoints, its Orleans silo and Hangfire server)
/// hosted in the test process by WebApplicationFactory: requests go through TestServer, and tests reach its services
/// (stores, the database, Hangfire's storage) through <see cref="WebApplicationFactory{TEntryPoint}.Services"/>. It runs
/// on the PostgreSQL and Azurite servers a <see cref="ClusterFixture"/> started, with the settings that fixture gives
/// its orchestrator process (connection strings, API key hash), and beside that fixture's processes.
/// </summary>
/// <remarks>
/// Its own database and its own Orleans cluster, not the processes' ones. Grain state, reminders (both keyed by the
/// service id, not the cluster id) and Hangfire's queue live in the database: a host on the processes' database in
/// another cluster would activate the same grains a second time and take their Hangfire jobs, and one that joined
/// their cluster would become a second orchestrator silo, hosting grains and running jobs of the process-level tests
/// (and keeping them alive when <c>HardeningTests</c> kills the orchestrator). With a database of its own (the name
/// doubles as cluster id, as the fixture's does) and its own silo and gateway ports, it shares only the servers: the
/// in-process tests and the process-level ones cannot see or disturb each other. Its cluster has no worker silo, so
/// runs submitted here stay queued; what needs training belongs to the process-level tests.
/// </remarks>
public sealed class InProcessOrchestrator : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    private InProcessOrchestrator(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    /// <summary>The SQL that EF Core sends, recorded for the async flows that ask (<see cref="SqlCommandLog.Record"/>).</summary>
    public SqlCommandLog Sql { get; } = new();

    /// <summary>The name of the host's own database (also its Orleans cluster id).</summary>
    public string Database => _settings["Orleans:ClusterId"];

    /// <summary>A fresh database on the cluster's PostgreSQL, then the host built and started on it (schema applied, silo up).</summary>
    public static async Task<InProcessOrchestrator> StartAsync(ClusterFixture cluster)
    {
        var (database, connectionString) = await cluster.CreateDatabaseAsync();
        // The orchestrator process's environment, as configuration keys ("ConnectionStrings__Postgres" becomes
        // "ConnectionStrings:Postgres"), with this host's own database, cluster and ports.
        var settings = cluster.OrchestratorEnvironment.ToDictionary(kv => kv.Key.Replace("__", ":"), kv => kv.Value);
        settings["ConnectionStrings:Postgres"] = connectionString;
        settings["Orleans:ClusterId"] = database;
        settings["Orleans:SiloPort"] = ClusterFixture.FreePort().ToString();
        settings["Orleans:GatewayPort"] = ClusterFixture.FreePort().ToString();
        settings["Logging:LogLevel:Default"] = "Warning";
        var factory = new InProcessOrchestrator(settings);
        try
        {
            factory.StartServer(); // returns once the host has started: Program applied the schema, the silo is up
            return factory;
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the in-process API that sends <paramref name="apiKey"/> with every request (none when null).</summary>
    public HttpClient CreateApiClient(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null) client.DefaultRequestHeaders.Add(ScaleLab.Orchestrator.Infrastructure.ApiKeyAuthentication.Header, apiKey);
        return client;
    }

    /// <summary>A service of the host, such as a store.</summary>
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Program reads its connection strings and Orleans settings before it builds the host. Host settings reach it
        // in time (WebApplicationFactory passes them as its args); ConfigureAppConfiguration would come too late.
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        // The environment the orchestrator process runs in (no developer exception page, no user secrets).
        builder.UseEnvironment(Environments.Production);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureDbContext<ScaleLabDb>(o => o.AddInterceptors(Sql), ServiceLifetime.Singleton);
            // A request runs in the execution context of the test that sends it, so a recording started by the test
            // (an AsyncLocal) also sees the commands of the request's handler, and only those.
            services.Configure<TestServerOptions>(o => o.PreserveExecutionContext = true);
        });
    }
}
