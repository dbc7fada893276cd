using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http.HttpResults;
using ScaleLab.Datasets;
using ScaleLab.Orchestrator.Infrastructure;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Datasets;

/// <summary>
/// Registered data sets. Registering queues one tokenization job per tokenizer; a worker claims each, tokenizes once
/// per content hash, and writes the shards to the artifact store, where every worker that trains on it reads them.
/// </summary>
public static class DatasetsApi
{
    public const int MaxBodyBytes = 64 * 1024;

    public static RouteGroupBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/datasets").WithTags("Datasets");
        api.MapPost("/", RegisterDataset).WithName("RegisterDataset")
            .WithSummary("Register a data set (or add tokenizers to one): queues a tokenization job per tokenizer; poll GET for progress and stats")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy).Accepts<DatasetRegistration>("application/json");
        api.MapGet("/", ListDatasets).WithName("ListDatasets").WithSummary("Registered data sets with their tokenizations and statistics");
        api.MapGet("/{name}", GetDataset).WithName("GetDataset")
            .WithSummary("A data set: documents, bytes, content hash, and per tokenizer its job's progress, tokens and splits");
        return api;
    }

    public static async Task<Results<Created<DatasetView>, Accepted<DatasetView>, Ok<DatasetView>, ValidationProblem, ProblemHttpResult>> RegisterDataset(
        HttpRequest request, DatasetStore store, IServiceProvider services, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(request, MaxBodyBytes, errors, ct);
        var registration = body is null ? null : JsonBody.Parse<DatasetRegistration>(body, SpecJson.Options, errors, "data set registration");
        if (registration is not null) DatasetRegistrationValidator.Validate(registration, errors);
        if (registration is not null && errors.IsEmpty && DatasetSources.IsBlob(registration.Source))
            await CheckBlobSourceAsync(registration, services.GetService<BlobServiceClient>(), errors, ct);
        if (registration is null || !errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The data set registration is invalid");

        var (outcome, view) = await store.RegisterAsync(registration, ApiKeys.OwnerOf(request.HttpContext.User), ct);
        var location = $"/api/datasets/{registration.Name}";
        return outcome switch
        {
            DatasetStore.Outcome.Created => TypedResults.Created(location, view),
            DatasetStore.Outcome.Updated => TypedResults.Accepted(location, view),
            DatasetStore.Outcome.Unchanged => TypedResults.Ok(view),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The name is taken by other data",
                detail: $"data set '{registration.Name}' is registered with source '{view!.Source}' ({view.Format}, validation {view.ValidationFraction}); choose another name",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["name"] = ["is registered with different data"] } }),
        };
    }

    public static async Task<Ok<IReadOnlyList<DatasetView>>> ListDatasets(DatasetStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(ct));

    public static async Task<Results<Ok<DatasetView>, NotFound>> GetDataset(string name, DatasetStore store, CancellationToken ct) =>
        DatasetNames.IsValid(name) && await store.GetAsync(name, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    /// <summary>A blob source is checked at once, since the orchestrator sees the same store the workers do.</summary>
    private static async Task CheckBlobSourceAsync(DatasetRegistration r, BlobServiceClient? blobs, ValidationErrors errors, CancellationToken ct)
    {
        if (blobs is null)
        {
            errors.Add("source", "blob sources need the artifact store, and ConnectionStrings:Blobs is not set");
            return;
        }
        var (container, prefix) = DatasetSources.SplitBlob(r.Source);
        var client = blobs.GetBlobContainerClient(container);
        if (!await client.ExistsAsync(ct))
        {
            errors.Add("source", $"container '{container}' does not exist");
            return;
        }
        var extension = DatasetFormats.Extension(r.Format);
        await foreach (var blob in client.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, ct))
            if (blob.Name.EndsWith(extension, StringComparison.Ordinal)) return;
        errors.Add("source", $"no {extension} blobs under '{r.Source}'");
    }
}
