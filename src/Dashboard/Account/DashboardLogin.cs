using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using ScaleLab.Dashboard.Api;

namespace ScaleLab.Dashboard.Account;

/// <summary>
/// Mutations from the dashboard need the same API key as the REST API: the login form posts the key, the API itself
/// checks it (GET /api/me), and on success it travels in the encrypted, HTTP-only auth cookie so the dashboard can
/// present it to the API on the user's behalf. Reading needs no login.
/// </summary>
public static class DashboardLogin
{
    public const string ApiKeyClaim = "scalelab:api-key";

    public static void AddDashboardLogin(this IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = "/login";
            o.Cookie.Name = "scalelab.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
        });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
    }

    public static void MapDashboardLogin(this WebApplication app)
    {
        app.MapPost("/account/login", LoginAsync).DisableAntiforgery().AllowAnonymous();
        app.MapPost("/account/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/");
        }).AllowAnonymous();
    }

    private static async Task<IResult> LoginAsync(HttpContext http, ScaleLabApi api, ILoggerFactory loggers)
    {
        var form = await http.Request.ReadFormAsync();
        var key = form["apiKey"].ToString().Trim();
        var returnUrl = form["returnUrl"].ToString();
        if (!Uri.IsWellFormedUriString(returnUrl, UriKind.Relative) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//")) returnUrl = "/";
        var failure = key.Length == 0 ? "enter an API key" : await api.CheckKeyAsync(key);
        if (failure is not null)
        {
            loggers.CreateLogger(nameof(DashboardLogin)).LogInformation("Dashboard login refused: {Reason}", failure);
            return Results.LocalRedirect($"/login?error={Uri.EscapeDataString(failure)}&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key holder"), new Claim(ApiKeyClaim, key)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(returnUrl);
    }
}
