using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>
/// The orchestrator's database sessions run without PostgreSQL's JIT: it compiled the plan of a sweep's 1,000 curves
/// (a list of run ids through ANY, estimated at 800,000 rows) for 90 ms of a 115 ms query.
/// </summary>
[Collection(ClusterCollection.Name)]
public class DatabaseSessionTests(ClusterFixture cluster)
{
    [Fact]
    public async Task The_application_context_runs_without_jit_prepares_its_frequent_statements_and_keeps_options_it_was_given()
    {
        var host = await cluster.InProcessAsync();
        await using var db = await host.Get<IDbContextFactory<ScaleLabDb>>().CreateDbContextAsync();

        var jit = await db.Database.SqlQueryRaw<string>("SELECT current_setting('jit') AS \"Value\"").SingleAsync();

        Assert.Equal("off", jit);
        var withOptions = Orchestrator.Infrastructure.ServiceRegistration.WithoutJit("Host=h;Options=-c statement_timeout=5s");
        Assert.Contains("-c statement_timeout=5s -c jit=off", withOptions);
        var application = new Npgsql.NpgsqlConnectionStringBuilder(Orchestrator.Infrastructure.ServiceRegistration.ForApplication("Host=h;Max Auto Prepare=8"));
        Assert.Equal((8, "-c jit=off"), (application.MaxAutoPrepare, application.Options)); // a setting given is kept
        Assert.Equal(64, new Npgsql.NpgsqlConnectionStringBuilder(Orchestrator.Infrastructure.ServiceRegistration.ForApplication("Host=h")).MaxAutoPrepare);
    }
}
