using System.Net;
using ScaleLab.Workers;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>The orchestrator silo: ADO.NET clustering, grain storage and reminders on PostgreSQL.</summary>
public static class OrleansSetup
{
    public static void AddScaleLabSilo(this WebApplicationBuilder builder, string connectionString)
    {
        var orleans = builder.Configuration.GetSection("Orleans");
        builder.UseOrleans(silo =>
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = orleans["ClusterId"] ?? "scalelab";
                o.ServiceId = orleans["ServiceId"] ?? "scalelab";
            });
            silo.ConfigureEndpoints(
                IPAddress.Parse(orleans["AdvertisedIP"] ?? "127.0.0.1"),
                orleans.GetValue("SiloPort", 11111),
                orleans.GetValue("GatewayPort", 30000),
                listenOnAnyHostAddress: orleans.GetValue("ListenOnAnyHostAddress", false));
            silo.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
            silo.AddAdoNetGrainStorage(StorageNames.Grains, o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
            silo.UseAdoNetReminderService(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
            silo.AddPlacementDirector<WorkerSlotPlacementStrategy, WorkerSlotPlacementDirector>();
        });
    }
}
