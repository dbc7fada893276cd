using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>
/// The OpenAPI document declares the API-key scheme (header X-Api-Key) and requires it on exactly the operations
/// whose endpoints require authorization, so the reference UI and generated clients know where the key goes.
/// </summary>
public static class OpenApiSecurity
{
    public static void AddApiKeyScheme(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyAuthentication.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeyAuthentication.Header,
                Description = "An API key; the orchestrator knows only its SHA-256 hash (ScaleLab:ApiKeyHashes).",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var required = !metadata.OfType<IAllowAnonymous>().Any()
                && (metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any());
            if (!required) return Task.CompletedTask;
            operation.Security ??= [];
            // The reference must know its document, or the writer drops it and the requirement reads as "anonymous".
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, context.Document)] = [] });
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = $"No or an unknown API key in {ApiKeyAuthentication.Header}" });
            return Task.CompletedTask;
        });
    }
}
