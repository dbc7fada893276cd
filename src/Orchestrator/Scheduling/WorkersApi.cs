using ScaleLab.Scheduling;

namespace ScaleLab.Orchestrator.Scheduling;

public static class WorkersApi
{
    public static RouteGroupBuilder MapWorkersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/workers").WithTags("Workers");
        api.MapGet("/", (IGrainFactory grains) => grains.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).GetSnapshotAsync())
            .WithName("ListWorkers").WithSummary("Worker slots, what each is training, and the queue depth");
        return api;
    }
}
