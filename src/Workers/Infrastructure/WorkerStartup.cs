using Azure.Storage.Blobs;
using Npgsql;
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

    /// <summary>The orchestrator owns the schema; a worker started first waits for it instead of failing to join.</summary>
    public static async Task WaitForClusterSchemaAsync(IConfiguration configuration, ILogger logger)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(configuration.GetConnectionString("Postgres"));
                await connection.OpenAsync();
                await using var probe = new NpgsqlCommand("SELECT count(*) FROM OrleansQuery WHERE QueryKey = 'InsertMembershipKey'", connection);
                if ((long)(await probe.ExecuteScalarAsync())! > 0) return;
            }
            catch (NpgsqlException ex) when (DateTime.UtcNow < deadline)
            {
                logger.LogInformation("Waiting for the cluster schema ({Message})", ex.Message);
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The Orleans schema never appeared; is the orchestrator running?");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
