using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace ScaleLab.Dashboard.Account;

public static class ApiKeyClaims
{
    /// <summary>The logged-in user's API key, or null when nobody is logged in.</summary>
    public static string? ApiKey(this ClaimsPrincipal user) => user.FindFirst(DashboardLogin.ApiKeyClaim)?.Value;

    public static async Task<string?> ApiKeyAsync(this Task<AuthenticationState>? state) =>
        state is null ? null : (await state).User.ApiKey();
}
