using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace ScaleLab.Dashboard.Account;

public static class ApiKeyClaims
{
    /// <summary>The logged-in user's API key, or null when nobody is logged in or the session was revoked.</summary>
    public static string? ApiKey(this ClaimsPrincipal user, DashboardSessions sessions) => sessions.ApiKeyOf(user.FindFirst(DashboardSessions.Claim)?.Value);

    public static async Task<string?> ApiKeyAsync(this Task<AuthenticationState>? state, DashboardSessions sessions) =>
        state is null ? null : (await state).User.ApiKey(sessions);
}
