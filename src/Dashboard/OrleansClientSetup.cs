namespace ScaleLab.Dashboard;

/// <summary>The dashboard is an Orleans client: it finds the orchestrator gateways through the PostgreSQL membership table.</summary>
public static class OrleansClientSetup
{
    public static void AddOrleansClusterClient(this WebApplicationBuilder builder)
    {
        var postgres = builder.Configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set (env ConnectionStrings__Postgres)");
        var orleans = builder.Configuration.GetSection("Orleans");
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = orleans["ClusterId"] ?? "scalelab";
                o.ServiceId = orleans["ServiceId"] ?? "scalelab";
            });
            client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = postgres; });
        });
    }
}
