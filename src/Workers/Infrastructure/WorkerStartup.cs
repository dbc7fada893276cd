using Azure.Storage.Blobs;
using Npgsql;
using Polly.Registry;
using ScaleLab.Hosting;
using ScaleLab.Workers.Corpus;
using ScaleLab.Workers.Slots;

namespace ScaleLab.Workers.Infrastructure;

public static class WorkerStartup
{
    public static void AddWorkerServices(this HostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var postgres = configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set (env ConnectionStrings__Postgres)");
        var blobs = configuration.GetConnectionString("Blobs")
            ?? throw new InvalidOperationException("ConnectionStrings:Blobs is not set (env ConnectionStrings__Blobs)");

        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        TorchRuntime.Initialize(configuration);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddWorkerResilience();
        services.AddSingleton(_ => NpgsqlDataSource.Create(postgres));
        services.AddSingleton(_ => new BlobServiceClient(blobs));
        services.AddSingleton<CheckpointStore>();
        services.AddSingleton<CorpusProvider>();
        services.AddSingleton<Datasets.TokenizationQueue>();
        services.AddHostedService<Datasets.TokenizationService>();
        services.AddSingleton<RunEventWriter>();
        services.AddSingleton<LocalSlots>();
        services.AddSingleton<TrainingHost>();
        services.AddHostedService<SlotHeartbeat>();

        builder.UseScaleLabSilo(postgres, defaultSiloPort: 11112, defaultGatewayPort: 0);
    }

    /// <summary>The orchestrator owns the schema; a worker started first waits for it (3 minutes at most) instead of failing to join.</summary>
    public static async Task WaitForClusterSchemaAsync(IServiceProvider services, IConfiguration configuration)
    {
        var pipeline = services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(WorkerResilience.ClusterSchema);
        var created = await pipeline.RunWithinAsync("WaitForClusterSchema", TimeSpan.FromMinutes(3), services.GetRequiredService<TimeProvider>(), async ct =>
        {
            await using var connection = new NpgsqlConnection(configuration.GetConnectionString("Postgres"));
            await connection.OpenAsync(ct);
            await using var probe = new NpgsqlCommand("SELECT count(*) FROM OrleansQuery WHERE QueryKey = 'InsertMembershipKey'", connection);
            return (long)(await probe.ExecuteScalarAsync(ct))! > 0;
        });
        if (!created) throw new TimeoutException("The Orleans schema never appeared; is the orchestrator running?");
    }
}
