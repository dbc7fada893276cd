using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using ScaleLab.Client;
using ScaleLab.Dashboard.Api;

namespace ScaleLab.Dashboard.Account;

/// <summary>
/// Mutations from the dashboard need the same API key as the REST API: the login form posts the key, the API itself
/// checks it (GET /api/me), and on success the key is kept server-side (<see cref="DashboardSessions"/>) while the
/// encrypted, HTTP-only cookie names only the session. Login and logout are forms with antiforgery tokens. Reading
/// needs no login.
/// </summary>
public static class DashboardLogin
{
    /// <summary>API keys are printable ASCII without spaces (./run.sh makes base64 ones); anything else cannot be sent in a header.</summary>
    public const int MaxKeyLength = 256;

    public static void AddDashboardLogin(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DashboardSessions>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = "/login";
            o.Cookie.Name = "scalelab.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure whenever the dashboard is served over HTTPS
            o.ExpireTimeSpan = DashboardSessions.IdleLifetime;
            o.SlidingExpiration = true;
            // A cookie whose session was revoked (logout) or has expired logs nobody in.
            o.Events.OnValidatePrincipal = context =>
            {
                var sessions = context.HttpContext.RequestServices.GetRequiredService<DashboardSessions>();
                if (context.Principal?.ApiKey(sessions) is null) context.RejectPrincipal();
                return Task.CompletedTask;
            };
        });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
    }

    public static void MapDashboardLogin(this WebApplication app)
    {
        app.MapPost("/account/login", LoginAsync).AllowAnonymous();
        app.MapPost("/account/logout", LogoutAsync).AllowAnonymous();
    }

    private static async Task<IResult> LoginAsync(HttpContext http, ScaleLabApi api, DashboardSessions sessions, IAntiforgery antiforgery, ILoggerFactory loggers)
    {
        if (await ReadFormAsync(http, antiforgery) is not { } form) return Results.LocalRedirect("/login?error=" + Uri.EscapeDataString(FormRefused));
        var key = form["apiKey"].ToString().Trim();
        var returnUrl = form["returnUrl"].ToString();
        if (!Uri.IsWellFormedUriString(returnUrl, UriKind.Relative) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//")) returnUrl = "/";
        var failure = key.Length == 0 ? "enter an API key"
            : key.Length > MaxKeyLength || key.Any(c => c is < '!' or > '~') ? $"an API key is at most {MaxKeyLength} printable ASCII characters without spaces"
            : await api.CheckKeyAsync(key);
        if (failure is not null)
        {
            loggers.CreateLogger(nameof(DashboardLogin)).LogInformation("Dashboard login refused: {Reason}", failure);
            return Results.LocalRedirect($"/login?error={Uri.EscapeDataString(failure)}&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }
        sessions.Revoke(http.User.FindFirst(DashboardSessions.Claim)?.Value); // a new login ends the browser's previous session
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key holder"), new Claim(DashboardSessions.Claim, sessions.Open(key))],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(returnUrl);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, DashboardSessions sessions, IAntiforgery antiforgery)
    {
        if (await ReadFormAsync(http, antiforgery) is null) return Results.LocalRedirect("/login?error=" + Uri.EscapeDataString(FormRefused));
        sessions.Revoke(http.User.FindFirst(DashboardSessions.Claim)?.Value);
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.LocalRedirect("/");
    }

    private const string FormRefused = "the form was not sent from this dashboard's page, or it expired; reload the page and try again";

    /// <summary>The posted form, or null when the body is not a form or its antiforgery token is missing or wrong.</summary>
    private static async Task<IFormCollection?> ReadFormAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (!http.Request.HasFormContentType) return null;
        try
        {
            return await antiforgery.IsRequestValidAsync(http) ? await http.Request.ReadFormAsync() : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException or AntiforgeryValidationException)
        {
            return null;
        }
    }
}
