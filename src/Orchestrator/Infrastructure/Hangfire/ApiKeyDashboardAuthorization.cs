using System.Net.Http.Headers;
using System.Text;
using Hangfire.Dashboard;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>
/// The Hangfire dashboard asks for an API key: as the X-Api-Key header, or as the password of HTTP Basic
/// authentication (any user name) so a browser can open it. Without one it answers 401 with a Basic challenge.
/// </summary>
public sealed class ApiKeyDashboardAuthorization(IConfiguration configuration) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (ApiKeys.IsValid(configuration, http.Request.Headers[ApiKeyAuthentication.Header].ToString()) || ApiKeys.IsValid(configuration, BasicPassword(http.Request)))
            return true;
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"ScaleLab Hangfire\", charset=\"UTF-8\"";
        return false;
    }

    private static string BasicPassword(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) ||
            !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase) || header.Parameter is null) return "";
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = pair.IndexOf(':');
            return colon < 0 ? "" : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return "";
        }
    }
}
