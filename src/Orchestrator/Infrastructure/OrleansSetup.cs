using Microsoft.Extensions.Options;
using Orleans.Serialization;
using ScaleLab.Hosting;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>The orchestrator silo: the shared cluster setup, plus grain state on PostgreSQL and the client gateway.</summary>
public static class OrleansSetup
{
    public static void AddScaleLabSilo(this WebApplicationBuilder builder, string connectionString) =>
        builder.UseScaleLabSilo(connectionString, defaultSiloPort: 11111, defaultGatewayPort: 30000,
            silo =>
            {
                silo.AddAdoNetGrainStorage(StorageNames.Grains, o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
                silo.Services.AddSingleton<IPostConfigureOptions<OrleansJsonSerializerOptions>, Orleans.LegacyTypeNames.Install>();
            });
}
