using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;
using ScaleLab.Runs;
using ScaleLab.Workers;

namespace ScaleLab.Hosting;

/// <summary>
/// What every ScaleLab silo has: one cluster on PostgreSQL (membership and reminders), worker-slot placement, and the
/// codec for domain values. The orchestrator and the workers add only what is theirs on top.
/// </summary>
public static class ScaleLabSilo
{
    /// <summary>Joins this host to the cluster named in the "Orleans" configuration section.</summary>
    /// <param name="defaultSiloPort">The silo port when the configuration names none (each kind of silo has its own).</param>
    /// <param name="defaultGatewayPort">The client gateway port when the configuration names none (0: no gateway).</param>
    public static void UseScaleLabSilo(this IHostApplicationBuilder builder, string postgres, int defaultSiloPort, int defaultGatewayPort,
        Action<ISiloBuilder>? configure = null)
    {
        var orleans = builder.Configuration.GetSection("Orleans");
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = orleans["ClusterId"] ?? "scalelab";
                o.ServiceId = orleans["ServiceId"] ?? "scalelab";
            });
            silo.ConfigureEndpoints(
                IPAddress.Parse(orleans["AdvertisedIP"] ?? "127.0.0.1"),
                orleans.GetValue("SiloPort", defaultSiloPort),
                orleans.GetValue("GatewayPort", defaultGatewayPort),
                listenOnAnyHostAddress: orleans.GetValue("ListenOnAnyHostAddress", false));
            silo.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = postgres; });
            silo.UseAdoNetReminderService(o => { o.Invariant = "Npgsql"; o.ConnectionString = postgres; });
            silo.AddPlacementDirector<WorkerSlotPlacementStrategy, WorkerSlotPlacementDirector>();
            silo.Services.AddSerializer(s => s.AddDomainValues());
            configure?.Invoke(silo);
        });
    }

    /// <summary>
    /// The domain library knows nothing of Orleans, so its values (a run's config, a queue ticket) travel between silos
    /// and into grain state as JSON. Messages declared here keep Orleans' own generated codecs.
    /// </summary>
    public static ISerializerBuilder AddDomainValues(this ISerializerBuilder serializer) =>
        serializer.AddJsonSerializer(IsDomainType, DomainJson);

    /// <summary>Enums keep Orleans' own codec, as before the split.</summary>
    internal static bool IsDomainType(Type type) => type.Assembly == typeof(RunConfig).Assembly && !type.IsEnum;

    /// <summary>Web names, as the REST API uses; a diverged run's NaN loss must travel too.</summary>
    internal static JsonSerializerOptions DomainJson { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
