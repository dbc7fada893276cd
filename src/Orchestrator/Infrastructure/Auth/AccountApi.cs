using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>Lets a client (the dashboard's login) check an API key without changing anything.</summary>
public static class AccountApi
{
    public static RouteHandlerBuilder MapAccountApi(this IEndpointRouteBuilder app) =>
        app.MapGet("api/me", WhoAmI).WithName("WhoAmI").WithTags("Account")
            .WithSummary("Who the presented API key belongs to; 401 when the key is missing or unknown")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy);

    public static Ok<Identity> WhoAmI(ClaimsPrincipal user) => TypedResults.Ok(new Identity(user.Identity?.Name ?? "api-key", CanMutate: true));

    public sealed record Identity(string Name, bool CanMutate);
}
